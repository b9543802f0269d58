/* The journal grid: type into cells, arrows and Tab move, Enter saves one cell through a
   small JSON POST (CSRF token in X-CSRF-Token); each cell shows saved / error on its own. */
(function () {
  'use strict';
  var grid = document.getElementById('journal-grid');
  if (!grid || !grid.dataset.editable) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var status = document.getElementById('grid-status');

  function inputs(row) { return Array.prototype.slice.call(row.querySelectorAll('input.c, input.p')); }
  function rows() { return Array.prototype.slice.call(grid.tBodies[0].rows); }

  function post(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json',
                'X-CSRF-Token': token},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        return {ok: response.ok, status: response.status, data: data};
      });
    });
  }

  function mark(input, state, message) {
    input.classList.remove('saving', 'saved', 'error');
    input.classList.add(state);
    input.title = message || '';
    if (status) { status.textContent = message || ''; }
  }

  // the reader's decimal sign, as the server writes it: «4,67» in Russian
  var comma = document.documentElement.lang === 'ru';
  function decimals(text) {
    return comma ? String(text).replace(/(\d)\.(\d)/g, '$1,$2') : String(text);
  }

  function explain(a) {
    // the same words as the server's hover: each mark with its weight, then the formula
    if (a.value === null) { return ''; }
    var parts = a.terms.map(function (t) { return t.value + ' (' + (t.kind_title || t.kind) + ', ×' + t.weight + ')'; });
    var text = parts.join('; ') + '. ' + a.formula;
    if (a.ignored && a.ignored.length) {
      text += ' (' + a.ignored.join(', ') + ' — ' + (grid.dataset.notCounted || 'not counted') + ')';
    }
    return decimals(text);
  }

  function save(input) {
    if (input.value === input.defaultValue && !input.classList.contains('error')) { return; }
    // Enter saves, then moves the focus, and the blur fires "change": one POST per value
    if (input.dataset.sending === input.value) { return; }
    input.dataset.sending = input.value;
    var row = input.closest('tr');
    var student = row.dataset.student;
    var request;
    mark(input, 'saving');
    if (input.classList.contains('p')) {
      request = post(grid.dataset.periodMarkUrl, {student: student, period: grid.dataset.period,
                                                  value: input.value});
    } else {
      request = post(grid.dataset.cellUrl, {student: student, lesson: input.dataset.lesson,
                                            text: input.value});
    }
    request.then(function (result) {
      delete input.dataset.sending;
      if (result.ok) {
        if (result.data.text !== undefined) { input.value = result.data.text; }
        input.defaultValue = input.value;
        mark(input, 'saved');
        if (result.data.average) {
          var avg = row.querySelector('td.avg');
          var a = result.data.average;
          avg.querySelector('.a').textContent = a.value === null ? '—' : decimals(a.value.toFixed(2));
          avg.title = explain(a);
          var box = avg.querySelector('.explain');
          if (!box) {
            box = document.createElement('span');
            box.className = 'explain';
            avg.appendChild(box);
          }
          box.textContent = avg.title;
          var pm = row.querySelector('input.p');
          if (pm) { pm.placeholder = a.suggested || ''; }
        }
      } else if (result.status === 409 && result.data.error && result.data.error.type === 'Conflict') {
        // others saved at the same moment on every attempt: nothing was saved, and the
        // cell keeps the value, so Enter sends it again
        mark(input, 'error', grid.dataset.notSaved || 'Not saved: press Enter to send it again');
      } else {
        mark(input, 'error', (result.data.error && result.data.error.message) || 'Error');
      }
    }).catch(function () {
      delete input.dataset.sending;
      mark(input, 'error', grid.dataset.networkError || 'Network error: not saved');
    });
  }

  function move(input, dRow, dCol) {
    var row = input.closest('tr');
    var list = rows();
    var r = list.indexOf(row);
    var cells = inputs(row);
    var c = cells.indexOf(input);
    var target;
    if (dRow) {
      var next = list[r + dRow];
      while (next) {
        var column = next.querySelector(input.classList.contains('p') ? 'input.p' :
          'input.c[data-lesson="' + input.dataset.lesson + '"]');
        if (column) { target = column; break; }
        next = list[list.indexOf(next) + dRow];
      }
    } else {
      target = cells[c + dCol];
    }
    if (target) { target.focus(); target.select(); }
  }

  grid.addEventListener('keydown', function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input.c, input.p')) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var selectedAll = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    switch (event.key) {
      case 'Enter': event.preventDefault(); save(input); move(input, 1, 0); break;
      case 'ArrowDown': event.preventDefault(); move(input, 1, 0); break;
      case 'ArrowUp': event.preventDefault(); move(input, -1, 0); break;
      case 'ArrowLeft': if (atStart || selectedAll) { event.preventDefault(); move(input, 0, -1); } break;
      case 'ArrowRight': if (atEnd || selectedAll) { event.preventDefault(); move(input, 0, 1); } break;
    }
  });
  grid.addEventListener('change', function (event) {
    if (event.target.matches && event.target.matches('input.c, input.p')) { save(event.target); }
  });
  grid.addEventListener('focusin', function (event) {
    if (event.target.select) { event.target.select(); }
  });
}());
