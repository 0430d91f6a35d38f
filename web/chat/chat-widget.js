/*
 * The safeguarding assistant's chat widget.
 *
 * Talks to Rasa's socket.io channel. The conversation is kept in session
 * storage only, so it ends when the tab is closed. Bot text is shown as text:
 * only *bold*, [links](https://...), web addresses and phone numbers become
 * elements, built with the DOM and never from HTML strings.
 *
 * "Leave this site", Escape, or Shift pressed three times: delete the chat
 * from session storage and replace the page with a neutral one.
 */
(function () {
  "use strict";

  var STORE = "safeguarding-chat";
  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 1500;

  var root = document.getElementById("safeguarding-chat");
  var textsElement = document.getElementById("safeguarding-chat-texts");
  if (!root || !textsElement) return;
  var texts = JSON.parse(textsElement.textContent);
  var socketUrl = root.getAttribute("data-socket-url");

  // --- Leaving quickly -------------------------------------------------------

  var socket = null;

  function leave() {
    try {
      sessionStorage.removeItem(STORE);
    } catch (e) {
      /* storage may be disabled: there is nothing to delete then */
    }
    if (socket) socket.disconnect();
    window.location.replace(texts.leave.url);
  }

  var shiftTimes = [];
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      leave();
      return;
    }
    if (event.key !== "Shift") {
      shiftTimes = [];
      return;
    }
    if (event.repeat) return;
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (t) { return now - t < SHIFT_WINDOW_MS; });
    shiftTimes.push(now);
    if (shiftTimes.length >= SHIFT_PRESSES) leave();
  });

  // --- Text: plain text, with a few safe elements ----------------------------

  // [label](https://...) | https://... | *bold* | a UK phone number or 999
  var TOKEN = /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|\*([^*\n]+)\*|\b(999|0\d{2,4}(?: \d{3,4}){1,2}|116 000|18000)\b/g;

  function link(label, href) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  function renderText(text) {
    var nodes = [];
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
      if (match[1]) nodes.push(link(match[1], match[2]));
      else if (match[3]) nodes.push(link(match[3], match[3]));
      else if (match[4]) nodes.push(el("strong", { text: match[4] }));
      else nodes.push(el("a", { href: "tel:" + match[5].replace(/ /g, ""), text: match[5] }));
      last = TOKEN.lastIndex;
    }
    if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
    return nodes;
  }

  // --- Elements --------------------------------------------------------------

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  var leaveButton = el("button", { type: "button", class: "sg-leave-button", text: texts.leave.button });
  leaveButton.addEventListener("click", leave);
  var historyHelp = el("details", { class: "sg-history" }, [
    el("summary", { text: texts.leave.history_summary }),
    el("ul", {}, texts.leave.history_help.map(function (line) { return el("li", { text: line }); })),
  ]);
  var leaveBar = el("div", { class: "sg-leave", role: "region", "aria-label": texts.leave.button }, [
    leaveButton,
    el("p", { class: "sg-leave-shortcut", text: texts.leave.shortcut }),
    historyHelp,
  ]);
  document.body.insertBefore(leaveBar, document.body.firstChild);

  var log = el("div", {
    class: "sg-log",
    id: "sg-log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": texts.chat.title,
    tabindex: "0",
  });
  var status = el("p", { class: "sg-status", id: "sg-status", role: "status", "aria-live": "polite" });
  var input = el("textarea", {
    id: "sg-input",
    name: "message",
    rows: "2",
    autocomplete: "off",
    placeholder: texts.chat.placeholder,
    "aria-describedby": "sg-status",
  });
  var sendButton = el("button", { type: "submit", class: "sg-send", text: texts.chat.send });
  var form = el("form", { class: "sg-form", novalidate: "" }, [
    el("label", { for: "sg-input", class: "sg-label", text: texts.chat.input_label }),
    el("div", { class: "sg-form-row" }, [input, sendButton]),
  ]);
  var notice = el("ul", { class: "sg-notice" }, texts.chat.notice.map(function (line) {
    return el("li", {}, renderText(line));
  }));
  var widget = el("section", { class: "sg-chat", "aria-labelledby": "sg-title" }, [
    el("h2", { id: "sg-title", class: "sg-title", text: texts.chat.title }),
    notice,
    log,
    status,
    form,
  ]);

  // --- The conversation, kept for this browser tab only ----------------------

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.messages)) return saved;
    } catch (e) {
      /* a damaged or unreadable store starts a new conversation */
    }
    var id = window.crypto && crypto.randomUUID ? crypto.randomUUID() : randomId();
    return { sessionId: id, messages: [] };
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var state = load();

  function save() {
    try {
      sessionStorage.setItem(STORE, JSON.stringify(state));
    } catch (e) {
      /* storage full or disabled: the chat goes on without being kept */
    }
  }

  function show(message) {
    var who = message.from === "user" ? texts.chat.you : texts.chat.assistant;
    var bubble = el("div", { class: "sg-message sg-" + message.from }, [
      el("span", { class: "sg-visually-hidden", text: who + ": " }),
    ]);
    renderText(message.text || "").forEach(function (node) { bubble.appendChild(node); });
    log.appendChild(bubble);
    if (message.quickReplies && message.quickReplies.length && !message.answered) {
      log.appendChild(quickReplies(message));
    }
    log.scrollTop = log.scrollHeight;
  }

  function quickReplies(message) {
    var group = el("div", { class: "sg-quick-replies", role: "group", "aria-label": texts.chat.quick_replies_label });
    message.quickReplies.forEach(function (reply) {
      var button = el("button", { type: "button", class: "sg-quick-reply", text: reply.title });
      button.addEventListener("click", function () {
        message.answered = true;
        removeQuickReplies();
        send(reply.title, reply.payload);
        input.focus();
      });
      group.appendChild(button);
    });
    return group;
  }

  function removeQuickReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".sg-quick-replies"), function (group) {
      group.remove();
    });
    state.messages.forEach(function (m) { if (m.quickReplies) m.answered = true; });
  }

  // Restored before the widget is on the page, so that screen readers do not read it all again.
  state.messages.forEach(show);
  root.appendChild(widget);

  // --- Talking to the assistant ---------------------------------------------

  var connected = false;
  var waitingTimer = null;

  function setStatus(text) {
    status.textContent = text || "";
  }

  function stopWaiting() {
    clearTimeout(waitingTimer);
    if (status.textContent === texts.chat.waiting) setStatus("");
  }

  function send(text, payload) {
    if (!connected) {
      setStatus(texts.chat.unavailable);
      return false;
    }
    removeQuickReplies();
    var message = { from: "user", text: text };
    state.messages.push(message);
    save();
    show(message);
    socket.emit("user_uttered", { message: payload || text, session_id: state.sessionId });
    setStatus(texts.chat.waiting);
    clearTimeout(waitingTimer);
    waitingTimer = setTimeout(stopWaiting, 15000);
    return true;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    if (text.length > texts.chat.max_length) {
      setStatus(texts.chat.too_long.replace("{max}", String(texts.chat.max_length)));
      input.focus();
      return;
    }
    if (send(text)) input.value = "";
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  function receive(data) {
    if (!data || (typeof data.text !== "string" && !data.quick_replies)) return;
    stopWaiting();
    var replies = (data.quick_replies || []).filter(function (r) {
      return r && typeof r.title === "string" && typeof r.payload === "string";
    }).map(function (r) { return { title: r.title, payload: r.payload }; });
    var message = { from: "bot", text: data.text || "", quickReplies: replies };
    state.messages.push(message);
    save();
    show(message);
  }

  if (typeof window.io !== "function") {
    setStatus(texts.chat.unavailable);
    return;
  }
  setStatus(texts.chat.connecting);
  socket = window.io(socketUrl, { transports: ["websocket", "polling"], reconnectionDelayMax: 10000 });
  socket.on("connect", function () {
    socket.emit("session_request", { session_id: state.sessionId });
  });
  socket.on("session_confirm", function () {
    connected = true;
    if (status.textContent === texts.chat.connecting || status.textContent === texts.chat.unavailable) {
      setStatus("");
    }
  });
  socket.on("bot_uttered", receive);
  socket.on("disconnect", function () { connected = false; });
  socket.on("connect_error", function () {
    connected = false;
    setStatus(texts.chat.unavailable);
  });
})();
