// « Aller au contenu principal »: the first Tab on the page, before any widget has the focus,
// lands on this link (shown at the top left while focused); Enter on it moves the focus to the
// first widget of the screen (the accessibility tree's main region, library_a11y.js), past the
// navigation. Loaded before the app: its keyboard listener must run before the app's own,
// which handles every other Tab and Enter (keyboard_focus.h).
(function () {
  'use strict';
  const link = document.getElementById('skip-link');
  if (!link) return;
  let offered = false;  // once per page: afterwards Tab belongs to the app
  const nothingFocused = () => document.activeElement === document.body || document.activeElement === null ||
    document.activeElement.id === 'canvas';
  // The screen's first widget, or the screen itself when it has none (a dashboard).
  const toMain = () => {
    const main = document.querySelector('#a11y-tree [role=main]');
    const first = main && main.querySelector('[tabindex]');
    if (first) {
      first.focus();
    } else if (main) {
      main.setAttribute('tabindex', '-1');
      main.focus();
    }
  };
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && !e.shiftKey && !offered && nothingFocused()) {
      offered = true;
      e.preventDefault();
      e.stopImmediatePropagation();
      link.focus();
    } else if (document.activeElement === link && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      e.stopImmediatePropagation();
      toMain();
    }
  }, true);
  link.addEventListener('click', (e) => {
    e.preventDefault();
    toMain();
  });
})();
