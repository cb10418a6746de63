// The live room: one WebSocket for presence, lobby, chat, hands and WebRTC
// signalling. It reconnects by itself (exponential backoff with jitter) and
// redraws from the state the server sends on every (re)connection.
// Chat is only ever put on the page with textContent, and never stored.
import { VideoMesh } from "./room-video.js";

const root = document.querySelector("[data-room]");
const config = JSON.parse(document.getElementById("room-config").textContent);
const $ = (name) => root.querySelector(`[data-room-${name}]`);

// Close codes after which reconnecting cannot help (see rooms/protocol.py).
const FINAL = {
  4401: "You are signed out. Sign in again to join the room.",
  4403: "You do not have a place in this room.",
  4404: "This room could not be found.",
  4409: "The room is closed. The session has ended or has not started yet.",
  4423: "A facilitator has locked the room, so nobody new can come in.",
  4429: "The room is full.",
};

let socket = null;
let attempts = 0;
let heartbeat = null;
let me = null;
let hands = [];
const people = new Map(); // participant code -> {name, role, peers, audio, video}
const nameOf = (code) => people.get(code)?.name || "Someone";

const mesh = config.video
  ? new VideoMesh({
      send, iceServers: config.iceServers, container: $("videos"), localVideo: $("local"), nameOf,
    })
  : null;
// Harmless hook for tests and troubleshooting: this page's own peer connections.
let opened = 0; // connections opened so far (1 + reconnections), for tests
window.roomDebug = {
  connections: () => (mesh ? mesh.connections() : []),
  opened: () => (socket && socket.readyState === WebSocket.OPEN ? opened : 0),
};

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function setStatus(text) {
  $("status").textContent = text;
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${window.location.host}${config.wsPath}`);
  socket.addEventListener("open", () => {
    attempts = 0;
    opened += 1;
    heartbeat = window.setInterval(() => send({ type: "ping" }), 25000);
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    handlers[message.type]?.(message);
  });
  socket.addEventListener("close", (event) => {
    window.clearInterval(heartbeat);
    mesh?.closeAll();
    if (FINAL[event.code]) {
      showPlace(null);
      setStatus(FINAL[event.code]);
      return;
    }
    attempts += 1;
    const ceiling = Math.min(30000, 1000 * 2 ** Math.min(attempts, 5));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2); // jitter: not everyone at once
    setStatus(`The connection was lost. Trying again in ${Math.ceil(delay / 1000)} seconds…`);
    window.setTimeout(connect, delay);
  });
}

function showPlace(state) {
  $("lobby").hidden = state !== "lobby";
  $("inside").hidden = state !== "admitted";
}

function button(label, hiddenText, onClick, modifier = "secondary") {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `nhsuk-button nhsuk-button--${modifier} nhsuk-button--small app-room__small-button`;
  element.textContent = label;
  if (hiddenText) {
    const span = document.createElement("span");
    span.className = "nhsuk-u-visually-hidden";
    span.textContent = ` ${hiddenText}`;
    element.append(span);
  }
  element.addEventListener("click", onClick);
  return element;
}

function renderPeople() {
  const list = $("people");
  list.replaceChildren();
  for (const [code, person] of people) {
    const item = document.createElement("li");
    item.className = "app-room__person";
    const name = document.createElement("span");
    name.textContent = person.name + (code === me?.participant ? " (you)" : "");
    item.append(name);
    const notes = [];
    if (person.role === "facilitator") notes.push("facilitator");
    if (hands.includes(code)) notes.push("hand raised");
    if (person.audio === false) notes.push("microphone off");
    if (person.video === false) notes.push("camera off");
    if (notes.length) {
      const tag = document.createElement("strong");
      tag.className = "nhsuk-tag nhsuk-tag--grey app-room__tag";
      tag.textContent = notes.join(", ");
      item.append(" ", tag);
    }
    if (config.facilitator && person.role !== "facilitator") {
      const tools = document.createElement("div");
      tools.className = "app-room__tools";
      if (config.video) tools.append(button("Mute", person.name, () => send({ type: "mute", participant: code })));
      tools.append(button("Send to lobby", person.name, () => send({ type: "to_lobby", participant: code })));
      tools.append(button("Remove", person.name, () => send({ type: "remove", participant: code }), "warning"));
      item.append(tools);
    }
    list.append(item);
  }
}

function renderHands() {
  const list = $("hands");
  list.replaceChildren(...hands.map((code) => {
    const item = document.createElement("li");
    item.textContent = nameOf(code);
    return item;
  }));
  $("no-hands").hidden = hands.length > 0;
  const raised = me && hands.includes(me.participant);
  $("hand").textContent = raised ? "Lower hand" : "Raise hand";
  renderPeople();
}

function renderWaiting(waiting) {
  if (!config.facilitator) return;
  $("waiting").replaceChildren(...waiting.map(({ participant, name }) => {
    const item = document.createElement("li");
    item.className = "app-room__person";
    const label = document.createElement("span");
    label.textContent = name;
    const tools = document.createElement("div");
    tools.className = "app-room__tools";
    tools.append(
      button("Let in", name, () => send({ type: "admit", participant })),
      button("Turn away", name, () => send({ type: "remove", participant }), "warning"),
    );
    item.append(label, tools);
    return item;
  }));
  $("no-waiting").hidden = waiting.length > 0;
}

function renderSettings({ locked, lobby_enabled: lobby }) {
  if (!config.facilitator) return;
  $("lock-toggle").checked = locked;
  $("lobby-toggle").checked = lobby;
}

function upsert(entry) {
  const known = people.get(entry.participant) || {};
  people.set(entry.participant, { ...known, ...entry });
}

const handlers = {
  state(message) {
    me = message.me;
    people.clear();
    message.participants.forEach(upsert);
    hands = message.hands;
    renderHands();
    renderSettings(message.room);
    if (message.lobby) renderWaiting(message.lobby);
    showPlace(me.state);
    if (me.state === "admitted") {
      setStatus("You are in the room.");
      const others = message.participants.flatMap(({ participant, peers }) =>
        peers.map((peer) => ({ peer, participant })));
      mesh?.start(me.peer, others);
    } else {
      setStatus("You are waiting in the lobby.");
      mesh?.closeAll();
    }
  },
  participant({ participant }) {
    upsert(participant);
    renderPeople();
  },
  session({ seconds_left: secondsLeft }) {
    // Acting in the room kept the sign-in alive: the idle warning starts again.
    document.dispatchEvent(new CustomEvent("session-extended", { detail: secondsLeft }));
  },
  participant_left({ participant }) {
    people.delete(participant);
    mesh?.closeParticipant(participant);
    renderPeople();
  },
  peer_left({ peer }) {
    mesh?.close(peer);
  },
  hands({ queue }) {
    hands = queue;
    renderHands();
  },
  lobby({ waiting }) {
    renderWaiting(waiting);
  },
  settings: renderSettings,
  chat({ participant, name, text, at }) {
    const line = document.createElement("p");
    line.className = "app-room__chat-line";
    const who = document.createElement("strong");
    who.textContent = participant === me?.participant ? "You" : name;
    const time = document.createElement("time");
    time.dateTime = at;
    time.className = "app-room__chat-time";
    time.textContent = new Date(at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    line.append(who, " ", time, document.createTextNode(`: ${text}`));
    $("chat").append(line);
    $("chat").scrollTop = $("chat").scrollHeight;
  },
  support({ name }) {
    const note = document.createElement("p");
    note.textContent = `${name} has asked for support. Please contact them privately.`;
    $("alerts").append(note);
  },
  support_sent() {
    $("signposting").hidden = false;
    $("signposting").focus();
  },
  media({ participant, audio, video }) {
    if (people.has(participant)) upsert({ participant, audio, video });
    renderPeople();
  },
  signal(message) {
    mesh?.handle(message);
  },
  mute() {
    setMic(false);
    setStatus("A facilitator has muted your microphone. You can turn it on again.");
  },
  removed() {
    setStatus("A facilitator has asked you to leave this session.");
  },
  ended() {
    setStatus("The session has ended. Thank you for coming.");
  },
  error({ message }) {
    setStatus(message);
  },
};

function setMic(on) {
  mesh?.setAudio(on);
  // The label names what pressing does, so it is never ambiguous.
  $("mic").textContent = on ? "Turn microphone off" : "Turn microphone on";
  send({ type: "media", audio: on, video: mesh ? mesh.videoOn : false });
}

function setCamera(on) {
  mesh?.setVideo(on);
  $("camera").textContent = on ? "Turn camera off" : "Turn camera on";
  send({ type: "media", audio: mesh ? mesh.audioOn : false, video: on });
}

$("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = event.target.elements.text;
  const text = input.value.trim();
  if (!text) return;
  send({ type: "chat", text });
  input.value = "";
});
$("hand").addEventListener("click", () => {
  send({ type: "hand", raised: !(me && hands.includes(me.participant)) });
});
$("support").addEventListener("click", () => send({ type: "support" }));
if (mesh) {
  $("mic").addEventListener("click", () => setMic(!mesh.audioOn));
  $("camera").addEventListener("click", () => setCamera(!mesh.videoOn));
}
if (config.facilitator) {
  $("hands-clear").addEventListener("click", () => send({ type: "hands_clear" }));
  $("lock-toggle").addEventListener("change", (event) => send({ type: "lock", locked: event.target.checked }));
  $("lobby-toggle").addEventListener("change", (event) => send({ type: "lobby", enabled: event.target.checked }));
}

root.hidden = false;
connect();
