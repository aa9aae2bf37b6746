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
// A row's «Действия» menu: one open at a time; a click elsewhere or Escape closes it.
(function () {
  var menus = document.querySelectorAll('details.row-menu');
  if (!menus.length) return;
  function closeAll(except) {
    menus.forEach(function (d) { if (d !== except) d.open = false; });
  }
  menus.forEach(function (d) {
    d.addEventListener('toggle', function () { if (d.open) closeAll(d); });
  });
  document.addEventListener('click', function (e) {
    if (!e.target.closest || !e.target.closest('details.row-menu')) closeAll(null);
  });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') closeAll(null); });
})();
// Foldable sections: a link to a folded one (the contents, the address's #section-N) opens it;
// «Развернуть все» / «Свернуть все».
(function () {
  var folds = document.querySelectorAll('details.section, details.fold');
  if (!folds.length) return;
  function reveal(hash) {
    if (!hash || hash.length < 2) return;
    var el = document.getElementById(decodeURIComponent(hash.slice(1)));
    var d = el && (el.tagName === 'DETAILS' ? el : el.closest('details'));
    if (d) { d.open = true; el.scrollIntoView(); }
  }
  reveal(location.hash);
  window.addEventListener('hashchange', function () { reveal(location.hash); });
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#"]');
    if (a && a.getAttribute('href') === location.hash) reveal(location.hash);
  });
  document.querySelectorAll('.fold-all').forEach(function (p) {
    p.hidden = false;
    p.addEventListener('click', function (e) {
      var how = e.target.getAttribute && e.target.getAttribute('data-fold');
      if (!how) return;
      folds.forEach(function (d) { if (d.classList.contains('section')) d.open = how === 'open'; });
    });
  });
})();
// The picker of people (templates/_picker.html): a filter box hides the names that do not match
// every typed word (the chosen stay visible) and a count says who is chosen.
(function () {
  function norm(s) { return s.toLowerCase().replace(/ё/g, 'е'); }
  document.querySelectorAll('[data-picker]').forEach(function (p) {
    var several = p.getAttribute('data-picker') === 'several';
    var tools = p.querySelector('.picker-tools');
    var find = p.querySelector('.picker-find');
    var count = p.querySelector('.picker-count');
    var empty = p.querySelector('.picker-empty');
    var labels = Array.prototype.slice.call(p.querySelectorAll('.picker-list label'));
    var texts = labels.map(function (l) { return norm(l.textContent); });
    tools.hidden = false;
    // A short list needs no filter.
    if (labels.length < 8) find.hidden = true;
    function update() {
      var words = norm(find.value).split(/\s+/).filter(Boolean);
      var chosen = [];
      var shown = 0;
      labels.forEach(function (l, i) {
        var input = l.querySelector('input');
        var on = input.checked && input.value !== '';
        if (on) chosen.push(l.textContent.trim());
        var match = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        l.hidden = !(on || match || (input.value === '' && !words.length));
        if (!l.hidden && !on && input.value !== '') shown++;
      });
      empty.hidden = !(words.length && shown === 0);
      if (several) count.textContent = 'выбрано: ' + chosen.length;
      else count.textContent = chosen.length ? 'выбран: ' + chosen[0] : 'не выбран';
    }
    find.addEventListener('input', update);
    // Enter in the filter box does not send the form.
    find.addEventListener('keydown', function (e) { if (e.key === 'Enter') e.preventDefault(); });
    p.addEventListener('change', update);
    update();
  });
})();
