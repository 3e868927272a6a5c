/*
 * samoobsluha chat widget.
 *
 * Embed with one tag:
 *   <script src="https://BOT-HOST/widget.js" data-bot="default" async></script>
 * Optional attributes: data-lang="cs|en" (default: the page's <html lang>),
 * data-color="#4f46e5" (accent colour), data-title="..." (header title),
 * data-var-NAME="value" (host-page variables sent with hello).
 *
 * Plain JavaScript, no dependencies, no third-party requests. It works under
 * a strict Content-Security-Policy: no inline scripts or styles; the CSS is
 * loaded with a <link> from the same host as this script, and the accent
 * colour is set through the CSSOM. The WebSocket URL is derived from this
 * script's own src. The session id is kept in localStorage so that a page
 * reload or a reconnect resumes the conversation and restores its transcript
 * from the server's history frame.
 */
(function () {
  'use strict';

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll('script[src*="widget.js"]');
    return all[all.length - 1];
  })();
  if (!script) return;
  var src = new URL(script.src, document.baseURI);
  var BOT = script.getAttribute('data-bot') || 'default';
  var instanceKey = 'samoobsluha:' + src.host + ':' + BOT;
  if (window[instanceKey]) return; // included twice
  window[instanceKey] = true;

  var T = {
    cs: {
      open: 'Otevřít chat se zákaznickou podporou',
      close: 'Zavřít chat',
      title: 'Zákaznická podpora',
      online: 'Online · odpovídáme hned',
      connecting: 'Připojuji…',
      offline: 'Spojení přerušeno, zkouším to znovu…',
      label: 'Vaše zpráva',
      send: 'Odeslat',
      ph: 'Napište zprávu…',
      ph_order_number: 'Číslo objednávky, např. 2025000123',
      ph_email: 'Váš e-mail, např. jana@example.cz',
      ph_phone: 'Telefonní číslo',
      ph_number: 'Napište číslo',
      ph_yes_no: 'Ano, nebo ne?',
      ph_button: 'Vyberte možnost, nebo napište…',
      ph_none: 'Chvilku strpení…',
      typing: 'Asistent píše…',
      you: 'Vy:',
      bot: 'Asistent:',
      log: 'Konverzace',
      choices: 'Možnosti odpovědi',
      end_done: 'Konverzace skončila. Napište cokoli a začneme znovu.',
      end_handover: 'Předáváme vás kolegovi z podpory.',
      end_expired: 'Konverzace vypršela. Napište cokoli a začneme znovu.',
      image: 'Obrázek od asistenta',
      download: 'stáhnout',
      new_tab: 'otevře se v novém okně'
    },
    en: {
      open: 'Open the customer support chat',
      close: 'Close the chat',
      title: 'Customer support',
      online: 'Online · we answer right away',
      connecting: 'Connecting…',
      offline: 'Connection lost, trying again…',
      label: 'Your message',
      send: 'Send',
      ph: 'Type a message…',
      ph_order_number: 'Order number, e.g. 2025000123',
      ph_email: 'Your e-mail, e.g. jane@example.com',
      ph_phone: 'Phone number',
      ph_number: 'Type a number',
      ph_yes_no: 'Yes or no?',
      ph_button: 'Pick an option or type…',
      ph_none: 'One moment…',
      typing: 'The assistant is typing…',
      you: 'You:',
      bot: 'Assistant:',
      log: 'Conversation',
      choices: 'Reply options',
      end_done: 'The conversation has ended. Type anything to start again.',
      end_handover: 'We are passing you on to a colleague from support.',
      end_expired: 'The conversation has expired. Type anything to start again.',
      image: 'Image from the assistant',
      download: 'download',
      new_tab: 'opens in a new tab'
    }
  };

  function pickLang(v) {
    v = String(v || '').toLowerCase().slice(0, 2);
    return v === 'en' ? 'en' : 'cs';
  }
  var LANG = pickLang(script.getAttribute('data-lang') || document.documentElement.getAttribute('lang'));
  var t = T[LANG];

  var VARS = {};
  Array.prototype.forEach.call(script.attributes, function (a) {
    var m = /^data-var-([a-z0-9_]{1,32})$/.exec(a.name);
    if (m && a.value.length <= 256) VARS[m[1]] = a.value;
  });

  var WS_URL = (src.protocol === 'https:' ? 'wss://' : 'ws://') + src.host + '/ws?bot=' + encodeURIComponent(BOT);
  var SESSION_KEY = 'samoobsluha:' + BOT + ':session';
  var OPEN_KEY = 'samoobsluha:' + BOT + ':open';

  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }
  function getItem(kind, k) {
    var s = store(kind);
    try { return s ? s.getItem(k) : null; } catch (e) { return null; }
  }
  function setItem(kind, k, v) {
    var s = store(kind);
    try { if (s) { if (v === null) s.removeItem(k); else s.setItem(k, v); } } catch (e) { /* private mode */ }
  }

  // ---- DOM ----
  var uid = 'samo' + Math.random().toString(36).slice(2, 8);

  function el(tag, cls, attrs) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (attrs) {
      for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    }
    return e;
  }
  var SVG_NS = 'http://www.w3.org/2000/svg';
  function icon(paths, size) {
    var s = document.createElementNS(SVG_NS, 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('width', size || 24);
    s.setAttribute('height', size || 24);
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    paths.forEach(function (d) {
      var p = document.createElementNS(SVG_NS, 'path');
      p.setAttribute('d', d);
      s.appendChild(p);
    });
    return s;
  }
  var ICON_CHAT = ['M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'];
  var ICON_CLOSE = ['M6 6l12 12M18 6L6 18'];
  var ICON_SEND = ['M3 11.5L21 3l-8.5 18-2.2-7.3L3 11.5z'];
  var ICON_BOT = ['M12 3v3M7 8h10a3 3 0 0 1 3 3v5a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3v-5a3 3 0 0 1 3-3z', 'M9 13h.01M15 13h.01'];

  var link = el('link', null, { rel: 'stylesheet', href: src.origin + '/widget.css' });
  document.head.appendChild(link);

  var root = el('div', 'samo-root', { 'data-open': 'false', lang: LANG });
  var color = script.getAttribute('data-color');
  if (color && window.CSS && CSS.supports && CSS.supports('color', color)) {
    root.style.setProperty('--samo-accent', color);
  }

  var launcher = el('button', 'samo-launcher', {
    type: 'button', 'aria-label': t.open, 'aria-expanded': 'false', 'aria-controls': uid + '-panel'
  });
  launcher.appendChild(icon(ICON_CHAT, 26));

  var panel = el('section', 'samo-panel', { id: uid + '-panel', role: 'dialog', 'aria-labelledby': uid + '-title' });
  panel.hidden = true;

  var head = el('header', 'samo-head');
  var avatar = el('div', 'samo-avatar');
  avatar.appendChild(icon(ICON_BOT, 22));
  var titles = el('div', 'samo-titles');
  var title = el('h2', 'samo-title', { id: uid + '-title' });
  title.textContent = script.getAttribute('data-title') || t.title;
  var status = el('p', 'samo-status', { 'aria-live': 'polite' });
  status.textContent = t.connecting;
  titles.appendChild(title);
  titles.appendChild(status);
  var closeBtn = el('button', 'samo-close', { type: 'button', 'aria-label': t.close });
  closeBtn.appendChild(icon(ICON_CLOSE, 20));
  head.appendChild(avatar);
  head.appendChild(titles);
  head.appendChild(closeBtn);

  var log = el('div', 'samo-log', { role: 'log', 'aria-live': 'polite', 'aria-label': t.log, tabindex: '0' });
  var typing = el('div', 'samo-typing', { role: 'status' });
  typing.hidden = true;
  var dots = el('span', 'samo-dots', { 'aria-hidden': 'true' });
  dots.appendChild(el('span'));
  dots.appendChild(el('span'));
  dots.appendChild(el('span'));
  var typingText = el('span', 'samo-sr');
  typingText.textContent = t.typing;
  typing.appendChild(dots);
  typing.appendChild(typingText);

  var form = el('form', 'samo-form', { novalidate: '' });
  var label = el('label', 'samo-sr', { 'for': uid + '-input' });
  label.textContent = t.label;
  var input = el('input', 'samo-input', {
    id: uid + '-input', type: 'text', autocomplete: 'off', maxlength: '1000', enterkeyhint: 'send', placeholder: t.ph
  });
  var sendBtn = el('button', 'samo-send', { type: 'submit', 'aria-label': t.send });
  sendBtn.appendChild(icon(ICON_SEND, 20));
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendBtn);

  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  function mount() { document.body.appendChild(root); }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);

  // ---- Transcript rendering ----
  // answerStart is the first row of the bot's latest answer. A long answer
  // (a status, a QR code and a menu of quick replies) is taller than the
  // log: scrolling to the bottom would hide its first lines, which say what
  // matters, so the log scrolls down only as far as the answer's start.
  var answerStart = null;

  function scrollDown() {
    var bottom = log.scrollHeight - log.clientHeight;
    var to = bottom;
    if (answerStart && answerStart.parentNode === log) {
      to = Math.min(bottom, answerStart.offsetTop - 12);
    }
    log.scrollTop = Math.max(0, to);
  }

  function safeURL(u, allowData) {
    try {
      var url = new URL(u, src.origin);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url;
      if (allowData && url.protocol === 'data:' && /^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(u)) return url;
    } catch (e) { /* not a URL */ }
    return null;
  }

  function disableChoices() {
    var groups = log.querySelectorAll('.samo-choices');
    for (var i = 0; i < groups.length; i++) {
      var bs = groups[i].querySelectorAll('button');
      for (var j = 0; j < bs.length; j++) bs[j].disabled = true;
      groups[i].setAttribute('data-used', 'true');
    }
  }

  function addEntry(from, m, live) {
    var row = el('div', 'samo-row samo-' + (from === 'user' ? 'user' : 'bot'));
    var who = el('span', 'samo-sr');
    who.textContent = from === 'user' ? t.you + ' ' : t.bot + ' ';
    if (m.text) {
      var bubble = el('div', 'samo-bubble');
      bubble.appendChild(who);
      bubble.appendChild(document.createTextNode(m.text));
      if (m.at) bubble.title = new Date(m.at).toLocaleString(LANG === 'en' ? 'en-GB' : 'cs-CZ');
      row.appendChild(bubble);
    }
    if (m.image) {
      var iu = safeURL(m.image, true);
      if (iu) {
        var img = el('img', 'samo-img', { src: iu.href, alt: t.image });
        img.addEventListener('load', scrollDown);
        row.appendChild(img);
      }
    }
    if (m.links && m.links.length) {
      var links = el('div', 'samo-links');
      m.links.forEach(function (l) {
        var u = safeURL(l.url, false);
        if (!u) return;
        // Invoice links are ours: the token is valid only on the server
        // this widget talks to, so they point at the script's origin, even
        // when the server's public URL names another host (its default,
        // localhost, seen from another machine; an inner name
        // behind a proxy), and they download in place.
        var invoice = u.pathname.indexOf('/invoice/') === 0;
        if (invoice) u = new URL(u.pathname + u.search, src.origin);
        var a = el('a', 'samo-link', { href: u.href });
        a.textContent = l.title || u.href;
        if (invoice) {
          a.setAttribute('download', '');
          a.classList.add('samo-download');
          var hint = el('span', 'samo-sr');
          hint.textContent = ' (' + t.download + ')';
          a.appendChild(hint);
        } else {
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          var nt = el('span', 'samo-sr');
          nt.textContent = ' (' + t.new_tab + ')';
          a.appendChild(nt);
        }
        links.appendChild(a);
      });
      row.appendChild(links);
    }
    if (m.buttons && m.buttons.length && live) {
      var group = el('div', 'samo-choices', { role: 'group', 'aria-label': t.choices });
      m.buttons.forEach(function (b) {
        var btn = el('button', 'samo-choice', { type: 'button' });
        btn.textContent = b.title;
        btn.addEventListener('click', function (ev) {
          if (btn.disabled) return;
          sendFrame({ type: 'button', value: b.value }, b.title);
          // The quick replies are gone now. A keyboard user (a click with
          // no pointer, detail 0) keeps the focus in the widget, on the
          // input; a tap does not open the phone's keyboard.
          if (ev.detail === 0) input.focus();
        });
        group.appendChild(btn);
      });
      row.appendChild(group);
    }
    if (!row.childNodes.length) return;
    log.appendChild(row);
    if (from === 'user') answerStart = null;
    else if (!answerStart) answerStart = row;
    scrollDown();
  }

  function addNote(text, kind) {
    var row = el('div', 'samo-note' + (kind ? ' samo-note-' + kind : ''));
    row.textContent = text;
    log.appendChild(row);
    scrollDown();
  }

  function clearLog() {
    while (log.firstChild) log.removeChild(log.firstChild);
    answerStart = null;
  }

  // ---- Input state ----
  var busy = false;

  function setBusy(b) {
    busy = b;
    sendBtn.disabled = b;
    form.setAttribute('aria-busy', b ? 'true' : 'false');
  }

  function setExpect(exp) {
    var kind = (exp && exp.kind) || 'text';
    var what = (exp && exp.input) || '';
    input.type = 'text';
    input.removeAttribute('inputmode');
    input.setAttribute('autocomplete', 'off');
    var ph = t.ph;
    if (what === 'order_number' || what === 'number') {
      input.setAttribute('inputmode', 'numeric');
      ph = t['ph_' + what];
    } else if (what === 'email') {
      input.type = 'email';
      input.setAttribute('inputmode', 'email');
      input.setAttribute('autocomplete', 'email');
      ph = t.ph_email;
    } else if (what === 'phone') {
      input.type = 'tel';
      input.setAttribute('inputmode', 'tel');
      input.setAttribute('autocomplete', 'tel');
      ph = t.ph_phone;
    } else if (what === 'yes_no') {
      ph = t.ph_yes_no;
    } else if (kind === 'button') {
      ph = t.ph_button;
    }
    input.disabled = kind === 'none';
    if (kind === 'none') ph = t.ph_none;
    input.placeholder = ph;
    input.setAttribute('data-expect', what || kind);
  }

  function showTyping(on) {
    typing.hidden = !on;
    if (on) scrollDown();
  }

  // ---- Connection ----
  var ws = null;
  var ready = false;      // hello answered
  var attempts = 0;
  var retryTimer = 0;
  var pending = [];       // frames typed while offline
  var everConnected = false;

  function setStatus(s) {
    status.textContent = s === 'online' ? t.online : s === 'offline' ? t.offline : t.connecting;
    root.setAttribute('data-status', s);
  }

  function connect() {
    if (ws) return;
    clearTimeout(retryTimer);
    setStatus(everConnected ? 'offline' : 'connecting');
    var sock;
    try { sock = new WebSocket(WS_URL); } catch (e) { scheduleReconnect(); return; }
    ws = sock;
    sock.onopen = function () {
      var hello = { type: 'hello', lang: LANG, channel: 'web' };
      var sid = getItem('localStorage', SESSION_KEY);
      if (sid) hello.session = sid;
      if (Object.keys(VARS).length) hello.vars = VARS;
      sock.send(JSON.stringify(hello));
    };
    sock.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f && typeof f.type === 'string') onFrame(f);
    };
    sock.onclose = function () {
      if (ws !== sock) return;
      ws = null;
      ready = false;
      showTyping(false);
      setBusy(false);
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    setStatus('offline');
    var delay = Math.min(15000, 500 * Math.pow(2, attempts));
    delay = delay / 2 + Math.random() * delay / 2;
    attempts++;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }

  function flushPending() {
    if (ready && !busy && pending.length && ws && ws.readyState === 1) {
      ws.send(JSON.stringify(pending.shift().frame));
      setBusy(true);
    }
  }

  // showPending shows again what the customer typed while offline, after
  // the transcript was redrawn from the server.
  function showPending() {
    pending.forEach(function (p) { addEntry('user', { text: p.shown }, false); });
  }

  function onFrame(f) {
    switch (f.type) {
      case 'session':
        attempts = 0;
        everConnected = true;
        setStatus('online');
        if (!f.resumed) {
          clearLog();
          showPending();
        }
        setItem('localStorage', SESSION_KEY, f.session);
        break;
      case 'history':
        clearLog();
        var msgs = f.messages || [];
        msgs.forEach(function (m, i) {
          addEntry(m.from, m, i === msgs.length - 1 && m.from === 'bot' && !pending.length);
        });
        showPending();
        break;
      case 'typing':
        showTyping(true);
        break;
      case 'message':
        showTyping(false);
        addEntry('bot', f, true);
        break;
      case 'state':
        dispatch('state', f.vars || {});
        break;
      case 'turn_end':
        showTyping(false);
        ready = true;
        setBusy(false);
        setExpect(f.expect);
        flushPending();
        break;
      case 'end':
        showTyping(false);
        ready = true;
        setBusy(false);
        disableChoices();
        addNote(t['end_' + f.reason] || t.end_done);
        setExpect({ kind: 'text', input: '' });
        dispatch('end', { reason: f.reason });
        flushPending();
        break;
      case 'error':
        showTyping(false);
        setBusy(false);
        if (f.message) addNote(f.message, 'error');
        if (ready) {
          flushPending();
        } else if (ws) {
          ws.close(); // the hello failed (e.g. store unavailable): retry with backoff
        }
        break;
    }
  }

  function dispatch(name, detail) {
    try {
      script.dispatchEvent(new CustomEvent('samoobsluha:' + name, { detail: detail }));
    } catch (e) { /* old browser */ }
  }

  function sendFrame(frame, shown) {
    disableChoices();
    addEntry('user', { text: shown }, false);
    if (ws && ready && ws.readyState === 1 && !busy) {
      ws.send(JSON.stringify(frame));
      setBusy(true);
    } else {
      pending.push({ frame: frame, shown: shown });
      connect();
    }
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var v = input.value.trim();
    if (!v) { input.focus(); return; }
    if (v.length > 1000) v = v.slice(0, 1000);
    input.value = '';
    sendFrame({ type: 'text', text: v }, v);
    input.focus();
  });

  // ---- Open / close ----
  function setOpen(open, focus) {
    root.setAttribute('data-open', open ? 'true' : 'false');
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    setItem('sessionStorage', OPEN_KEY, open ? '1' : null);
    if (open) {
      connect();
      scrollDown();
      if (focus) input.focus();
    } else if (focus) {
      launcher.focus();
    }
  }

  launcher.addEventListener('click', function () {
    setOpen(panel.hidden, true);
  });
  closeBtn.addEventListener('click', function () { setOpen(false, true); });
  panel.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') {
      ev.stopPropagation();
      setOpen(false, true);
    }
  });

  // Back online after a network drop: do not wait for the backoff.
  window.addEventListener('online', function () {
    if (!ws && everConnected) {
      attempts = 0;
      connect();
    }
  });

  setExpect({ kind: 'text', input: '' });
  if (getItem('sessionStorage', OPEN_KEY) === '1') {
    setOpen(true, false);
  } else if (getItem('localStorage', SESSION_KEY)) {
    connect(); // restore the transcript in the background
  }
})();
