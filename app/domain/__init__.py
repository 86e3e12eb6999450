"""The pure core: business rules over plain values. Standard library only."""
