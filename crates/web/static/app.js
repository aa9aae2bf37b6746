// Metoda: small progressive enhancements (the pages work without it).
// The attendance form recounts the quorum as members are marked present.
(function () {
  var form = document.querySelector('form[data-quorum-rule]');
  if (!form) return;
  var out = document.getElementById('live-quorum');
  var members = parseInt(form.getAttribute('data-members'), 10) || 0;
  var rule = form.getAttribute('data-quorum-rule');
  function recount() {
    var present = form.querySelectorAll('input[type=radio][value=present]:checked').length;
    if (rule === 'none') {
      out.textContent = 'присутствуют ' + present + ' из ' + members + '; кворум положением не установлен';
      out.className = 'quorum';
      return;
    }
    var needed = Math.floor(members / 2) + 1;
    var ok = present >= needed;
    out.textContent = (ok ? 'кворум есть: ' : 'кворума нет: ') + 'присутствуют ' + present + ' из ' + members + ', нужно не менее ' + needed;
    out.className = 'quorum ' + (ok ? 'ok' : 'bad');
  }
  form.addEventListener('change', recount);
  recount();
})();
// A form that does what cannot be undone asks first: data-confirm holds the question.
(function () {
  document.addEventListener('submit', function (e) {
    var q = e.target.getAttribute && e.target.getAttribute('data-confirm');
    if (q && !window.confirm(q)) e.preventDefault();
  });
})();
// The main menu on a phone: Escape closes it (the «Меню» checkbox works without scripts).
(function () {
  var toggle = document.getElementById('menu-toggle');
  if (!toggle) return;
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && toggle.checked) { toggle.checked = false; toggle.focus(); }
  });
})();
