// The accessibility layer's page half (linked with --js-library): the widgets ImGui drew in
// the last frame (ui/semantics.h sends their structure as JSON when it changes, their boxes
// every frame they move) mirrored into ARIA elements laid exactly over the canvas,
// transparent, so that a screen reader reads them, its focus and clicks reach the widgets, and
// a pointer still reaches the canvas' own handlers (they listen on the document, and the
// elements let events bubble).
// Only what changed is touched: each element remembers the attributes it was given.
// See docs/accessibility.md.

mergeInto(LibraryManager.library, {
  $QuittanceA11y: {
    root: null,
    polite: null,
    urgent: null,
    elements: {},       // key -> element, for every element of the last tree
    byId: {},           // widget id -> its element, in the last tree
    focusedId: 0,       // the widget the page last moved the focus to
    quiet: false,       // the page itself is moving the focus: no echo to the app
    regionRoles: {main: 'main', navigation: 'navigation', contentinfo: 'contentinfo', dialog: 'dialog',
                  listbox: 'listbox', menu: 'menu'},
    setup: function() {
      var a = QuittanceA11y;
      a.root = document.getElementById('a11y-tree');
      a.polite = document.getElementById('a11y-status');
      a.urgent = document.getElementById('a11y-alert');
    },
    // Sets attributes (null removes one) and the text, only where they differ from last time.
    apply: function(el, attrs, text) {
      var last = el.qtAttrs || (el.qtAttrs = {});
      for (var name in attrs) {
        var value = attrs[name];
        if (last[name] === value) continue;
        last[name] = value;
        if (value === null || value === undefined || value === false) el.removeAttribute(name);
        else el.setAttribute(name, value === true ? 'true' : String(value));
      }
      if (text !== undefined && el.qtText !== text) {
        el.qtText = text;
        el.textContent = text;
      }
    },
    place: function(el, box, origin) {
      var s = (box.x - origin.x) + ',' + (box.y - origin.y) + ',' + box.w + ',' + box.h;
      if (el.qtBox === s) return;
      el.qtBox = s;
      el.style.left = (box.x - origin.x) + 'px';
      el.style.top = (box.y - origin.y) + 'px';
      el.style.width = Math.max(1, box.w) + 'px';
      el.style.height = Math.max(1, box.h) + 'px';
    },
    element: function(key, tag, seen) {
      var a = QuittanceA11y;
      var el = a.elements[key];
      if (!el) {
        el = document.createElement(tag);
        el.qtKey = key;
        a.elements[key] = el;
      }
      seen[key] = true;
      return el;
    },
    // Puts `el` as the next child of `parent` (after `previous`), moving it only if needed.
    order: function(parent, el, previous) {
      var want = previous ? previous.nextSibling : parent.firstChild;
      if (el.parentNode !== parent || want !== el) parent.insertBefore(el, want);
      return el;
    },
    union: function(boxes) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      boxes.forEach(function(b) {
        x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
        x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h);
      });
      return {x: x0, y: y0, w: x1 - x0, h: y1 - y0};
    },
    widget: function(n, seen, used) {
      var a = QuittanceA11y;
      // In a table, an element is kept by its place (cell, rank in it), not by what it shows:
      // rows scrolling through the same cells change their words, not the page's elements.
      // Elsewhere a widget is keyed by its ImGui id; a text (it has none) by its region, words
      // and rank among equal ones.
      var key = n.table ? 'c' + n.table + ':' + n.row + ':' + n.column : n.id ? 'w' + n.id : 'x' + n.region + ':' + n.name;
      if (n.table || !n.id) { used[key] = (used[key] || 0) + 1; key += ':' + used[key]; }
      var el = a.element(key, 'div', seen);
      if (n.id) a.byId[n.id] = el;
      var interactive = n.role !== 'text' && n.role !== 'heading';
      var role = n.role === 'text' ? null : n.role === 'columnheader' ? 'button' : n.role;
      a.apply(el, {
        role: role,
        tabindex: interactive ? '-1' : null,
        'aria-label': interactive ? n.name : null,
        'aria-level': n.level || null,
        'aria-disabled': n.disabled ? 'true' : null,
        'aria-checked': n.role === 'checkbox' ? (n.checked ? 'true' : 'false') : n.role === 'radio' ? (n.selected ? 'true' : 'false') : null,
        'aria-expanded': n.expanded === undefined ? null : (n.expanded ? 'true' : 'false'),
        'aria-haspopup': n.role === 'combobox' ? 'listbox' : null,
        'aria-multiline': n.multiline ? 'true' : null,
        'aria-selected': n.role === 'tab' || n.role === 'option' ? (n.selected ? 'true' : 'false') : null,
        'aria-current': n.role === 'link' && n.selected ? 'page' : null,
        'aria-invalid': n.error ? 'true' : null,
        'aria-keyshortcuts': n.shortcut || null,
        'aria-description': n.error || null,
        'data-id': n.id || null,
      }, n.role === 'combobox' || n.role === 'textbox' ? (n.value || '') : n.name);
      if (interactive && !el.qtListening) {
        el.qtListening = true;
        el.addEventListener('focus', function() {
          var id = Number(el.getAttribute('data-id'));
          if (!id) return;
          // A field that takes the focus is typed into, as with Tab, even when the app moved
          // the focus there itself (a dialog opening on its first field): then a moment later,
          // not inside the frame that moved it.
          var field = el.getAttribute('role') === 'textbox';
          if (!field && (a.quiet || id === a.focusedId)) return;
          a.focusedId = id;
          if (a.quiet) setTimeout(function() { _quittance_a11y_focus(id); }, 0);
          else _quittance_a11y_focus(id);
        });
        // A pointer's click reached the canvas' handlers already (detail counts the clicks);
        // one with no pointer (a screen reader's, Enter on the element) presses the widget.
        el.addEventListener('click', function(e) {
          if (e.detail !== 0) return;
          var id = Number(el.getAttribute('data-id'));
          if (id) _quittance_a11y_activate(id);
        });
      }
      return el;
    },
    // Builds the elements for a new structure, in order, and the plan the boxes follow: each
    // element with its parent's place in the plan (parents first) and where its box comes
    // from — a region's own, a widget's own, or the union of some widgets' (a row, a cell, a
    // tab list).
    update: function(doc) {
      var a = QuittanceA11y;
      if (!a.root) a.setup();
      var seen = {}, used = {}, plan = [], planOf = {};
      a.byId = {};
      var entry = function(key, el, parent, from) {
        if (planOf[key] === undefined) {
          planOf[key] = plan.length;
          plan.push({el: el, parent: parent, region: from.region, node: from.node, nodes: from.nodes !== undefined ? [] : null});
        }
        var e = plan[planOf[key]];
        if (from.nodes !== undefined) e.nodes.push(from.nodes);
        return planOf[key];
      };
      var dialog = doc.regions.some(function(r) { return r.role === 'dialog'; });
      var regionEls = {}, regionPlan = {}, tableRegion = {}, previousRegion = null;
      doc.regions.forEach(function(r, index) {
        if (r.role === 'table') {
          tableRegion[r.id] = index;
          return;
        }
        var el = a.element('r' + r.id, 'div', seen);
        a.apply(el, {
          role: a.regionRoles[r.role] || null,
          'aria-modal': r.role === 'dialog' ? 'true' : null,
          'aria-label': r.role === 'dialog' ? (r.name || null) : null,
          // Behind an open dialog, the rest of the app is out of reach, as it is on screen.
          'aria-hidden': dialog && r.role !== 'dialog' && r.role !== 'listbox' ? 'true' : null,
          inert: dialog && r.role !== 'dialog' && r.role !== 'listbox' ? true : null,
          class: 'a11y-region',
        });
        previousRegion = a.order(a.root, el, previousRegion);
        regionEls[r.id] = el;
        regionPlan[r.id] = entry(el.qtKey, el, -1, {region: index});
      });
      var tables = {};
      doc.regions.forEach(function(r) { if (r.role === 'table') tables[r.id] = r; });
      // A table with widgets to use is a grid (Tab enters it once, arrows move inside:
      // keyboard_focus.h); one of text only, a table.
      var grids = {};
      doc.nodes.forEach(function(n) { if (n.table && n.role !== 'text') grids[n.table] = true; });
      // Tabs side by side form a tab list, radio buttons a group: each run of them gets one,
      // named as the screen named it (« Taille du texte », ui/widget_log.h name_next_group).
      var groupRoles = {tab: 'tablist', radio: 'radiogroup'};
      var runOf = [], runs = 0, run = null;
      doc.nodes.forEach(function(n, i) {
        if (!groupRoles[n.role] || n.table) { run = null; return; }
        if (!run || run.region !== n.region || run.role !== n.role || n.group) {
          run = {region: n.region, role: n.role, index: runs++, name: n.group || null};
        }
        runOf[i] = run;
      });
      var last = {};  // per parent key, the child placed last
      // A table, row, cell or tab list is put once, before its first widget: the widgets after
      // it in the same container meet it as the child placed last, and leave it where it is.
      var put = function(parent, el) {
        var k = parent.qtKey;
        if (last[k] === el) return el;
        last[k] = a.order(parent, el, last[k] || null);
        return el;
      };
      doc.nodes.forEach(function(n, i) {
        var region = regionEls[n.region];
        if (!region) return;
        var parent = region, parentPlan = regionPlan[n.region];
        if (runOf[i]) {
          var listEl = a.element('l' + n.region + ':' + runOf[i].index, 'div', seen);
          a.apply(listEl, {role: groupRoles[runOf[i].role], 'aria-label': runOf[i].name});
          put(region, listEl);
          parentPlan = entry(listEl.qtKey, listEl, parentPlan, {nodes: i});
          parent = listEl;
        }
        if (n.table) {
          var t = tables[n.table] || {};
          var tableEl = a.element('t' + n.table, 'div', seen);
          a.apply(tableEl, {role: grids[n.table] ? 'grid' : 'table', 'aria-rowcount': t.rows >= 0 ? t.rows + 1 : null});
          put(region, tableEl);
          var tablePlan = tableRegion[n.table] !== undefined
            ? entry(tableEl.qtKey, tableEl, parentPlan, {region: tableRegion[n.table]})
            : entry(tableEl.qtKey, tableEl, parentPlan, {nodes: i});
          var rk = n.table + ':' + n.row, header = n.role === 'columnheader';
          var rowEl = a.element('t' + rk, 'div', seen);
          // Row 1 is the headers'; a clipped list says where its rows stand among all.
          a.apply(rowEl, {role: 'row', 'aria-rowindex': t.rows >= 0 ? (header ? 1 : n.row_index >= 0 ? n.row_index + 2 : null) : null});
          put(tableEl, rowEl);
          var rowPlan = entry(rowEl.qtKey, rowEl, tablePlan, {nodes: i});
          var cellEl = a.element('t' + rk + ':' + n.column, 'div', seen);
          a.apply(cellEl, {role: header ? 'columnheader' : grids[n.table] ? 'gridcell' : 'cell'});
          put(rowEl, cellEl);
          parentPlan = entry(cellEl.qtKey, cellEl, rowPlan, {nodes: i});
          parent = cellEl;
        }
        var el = a.widget(n, seen, used);
        put(parent, el);
        entry(el.qtKey, el, parentPlan, {node: i});
      });
      for (var key in a.elements) {
        if (seen[key]) continue;
        var gone = a.elements[key];
        if (gone.parentNode) gone.parentNode.removeChild(gone);
        delete a.elements[key];
      }
      a.plan = plan;
      a.regionCount = doc.regions.length;
      a.follow(doc);
    },
    // Places every element over its widgets: `boxes` holds x, y, w, h for each region, then
    // each widget, of the last structure (ui/semantics.h). Each element is placed relative to
    // its parent's box.
    layout: function(boxes) {
      var a = QuittanceA11y;
      if (!a.plan) return;
      var placed = new Array(a.plan.length);
      var boxAt = function(index) {
        var o = index * 4;
        return {x: boxes[o], y: boxes[o + 1], w: boxes[o + 2], h: boxes[o + 3]};
      };
      a.plan.forEach(function(e, i) {
        var box;
        if (e.region !== undefined) {
          box = boxAt(e.region);
        } else if (e.node !== undefined) {
          box = boxAt(a.regionCount + e.node);
        } else {
          box = a.union(e.nodes.map(function(n) { return boxAt(a.regionCount + n); }));
        }
        placed[i] = box;
        a.place(e.el, box, e.parent >= 0 ? placed[e.parent] : {x: 0, y: 0});
      });
    },
    // The screen reader follows ImGui's focus: the element of the focused widget takes the
    // DOM focus; a field being typed in is the text sink, named after the field.
    follow: function(doc) {
      var a = QuittanceA11y;
      var sink = document.getElementById('text-sink');
      var node = null;
      doc.nodes.forEach(function(n) { if (n.id && n.id === doc.focus) node = n; });
      if (doc.editing) {
        if (sink && node) sink.setAttribute('aria-label', node.name);
        a.focusedId = doc.focus;
        return;
      }
      if (!doc.focus || doc.focus === a.focusedId && document.activeElement && document.activeElement.getAttribute('data-id') == doc.focus) return;
      var el = a.byId[doc.focus];
      if (!el) return;
      a.focusedId = doc.focus;
      a.quiet = true;
      // The focused element may now show another widget (a row scrolled into its cell): it
      // takes the focus again, for the screen reader to say the new one.
      if (document.activeElement === el) el.blur();
      el.focus({preventScroll: true});
      a.quiet = false;
    },
    say: function(text, urgent) {
      var a = QuittanceA11y;
      if (!a.root) a.setup();
      var region = urgent ? a.urgent : a.polite;
      if (!region) return;
      // A new element per message: the same words twice are said twice.
      var p = document.createElement('p');
      p.textContent = text;
      region.appendChild(p);
      while (region.childNodes.length > 3) region.removeChild(region.firstChild);
    },
  },
  qt_a11y_update__deps: ['$QuittanceA11y'],
  qt_a11y_update: function(ptr) {
    QuittanceA11y.update(JSON.parse(UTF8ToString(ptr)));
  },
  qt_a11y_boxes__deps: ['$QuittanceA11y'],
  qt_a11y_boxes: function(ptr, count) {
    QuittanceA11y.layout(HEAP32.subarray(ptr >> 2, (ptr >> 2) + count));
  },
  // The interface's zoom (the text size setting): the tree's boxes are in ImGui's units.
  qt_a11y_zoom__deps: ['$QuittanceA11y'],
  qt_a11y_zoom: function(zoom) {
    var a = QuittanceA11y;
    if (!a.root) a.setup();
    a.root.style.transformOrigin = '0 0';
    a.root.style.transform = zoom === 1 ? '' : 'scale(' + zoom + ')';
  },
  // The tree is behind the app for a moment (a structure still changing is sent once it holds
  // still: a11y_bridge.cpp): assistive technologies may wait for it (and tests do).
  qt_a11y_busy__deps: ['$QuittanceA11y'],
  qt_a11y_busy: function(busy) {
    var a = QuittanceA11y;
    if (!a.root) a.setup();
    if (busy) a.root.setAttribute('aria-busy', 'true');
    else a.root.removeAttribute('aria-busy');
  },
  qt_a11y_announce__deps: ['$QuittanceA11y'],
  qt_a11y_announce: function(ptr, urgent) {
    QuittanceA11y.say(UTF8ToString(ptr), urgent !== 0);
  },
});
