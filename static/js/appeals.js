// The appeal form: only the picked category's outcomes are offered; the channel re-checks the rules.
(function () {
  const form = document.getElementById('appeal-form');
  if (!form) return;
  const outcome = document.getElementById('f-outcome_id');
  function filterOutcomes() {
    const picked = form.querySelector('.appeal-category:checked');
    if (!outcome) return;
    let visible = 0;
    for (const option of outcome.options) {
      if (!option.dataset.category) continue;
      const show = picked !== null && option.dataset.category === picked.value;
      option.hidden = !show;
      if (show) visible += 1;
      if (!show && option.selected) outcome.value = '';
    }
    outcome.disabled = picked !== null && visible === 0;
  }
  form.querySelectorAll('.appeal-category').forEach((radio) => radio.addEventListener('change', filterOutcomes));
  filterOutcomes();
  const channel = document.getElementById('f-channel');
  if (channel && !channel.disabled) {
    channel.addEventListener('change', () => {
      const url = new URL(window.location.href);
      url.searchParams.set('channel', channel.value);
      window.location.assign(url.toString());  // the automatic rules depend on the channel
    });
  }
})();
