// The live room: one WebSocket for presence, lobby, chat, hands and WebRTC
// signalling. It reconnects by itself (exponential backoff with jitter) and
// redraws from the state the server sends on every (re)connection.
// Chat is only ever put on the page with textContent, and never stored.
import { VideoSfu } from "./room-sfu.js";
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
let closedFor = null; // the close code once reconnecting cannot help
let attempts = 0;
let heartbeat = null;
let me = null;
let hands = [];
const people = new Map(); // participant code -> {name, role, peers, audio, video}
const alerts = new Map(); // participant code -> {count, line}: support alerts, facilitators only
let ended = false;
const nameOf = (code) => people.get(code)?.name || "Someone";

// What the camera, microphone and media server say, in words (role=status).
const MEDIA_TEXT = {
  "media-refused": "Your browser is not allowed to use your camera or microphone, so others cannot see or hear you. You can still see and hear them. To join in, allow the camera and microphone for this site in your browser's settings, then reload the page.",
  "media-missing": "No camera or microphone was found, so others cannot see or hear you. You can still see and hear them.",
  reconnecting: "Video is reconnecting. Chat, hands and support carry on.",
  "media-ok": "",
  "audio-only": "Audio only: you hear everyone, and video is paused both ways to save your connection.",
  "video-back": "",
  joined: "",
};
let mediaProblem = ""; // camera or microphone refused or missing: stays on show
function mediaStatus(state) {
  const line = $("media-status");
  if (!line) return;
  if (state === "media-refused" || state === "media-missing") mediaProblem = MEDIA_TEXT[state];
  if (state === "media-ok") mediaProblem = "";
  if (state === "audio-only") mediaProblem = MEDIA_TEXT[state];
  if (state === "video-back") mediaProblem = "";
  const text = state === "reconnecting" ? MEDIA_TEXT.reconnecting : mediaProblem;
  if (line.textContent !== text) line.textContent = text;
  line.hidden = !text;
}
const common = {
  send, container: $("videos"), localVideo: $("local"), nameOf, policy: config.iceTransportPolicy, onStatus: mediaStatus,
};
const sfu = config.media === "sfu" ? new VideoSfu(common) : null;
const mesh = config.media === "mesh" ? new VideoMesh(common) : null;
const av = sfu || mesh; // whichever carries this room's audio and video
let iceRefresh = null;
// Harmless hook for tests and troubleshooting: this page's own peer connections.
let opened = 0; // connections opened so far (1 + reconnections), for tests
window.roomDebug = {
  connections: () => (av ? av.connections() : []),
  opened: () => (socket && socket.readyState === WebSocket.OPEN ? opened : 0),
};

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function setStatus(text) {
  $("status").textContent = text;
}

// "I need support": the help is on the page already, so it shows at once,
// whatever the connection; the alert itself goes when there is a connection,
// and the person is told which happened. null | "pending" | "sent" | "done"
let support = null;
const SUPPORT_TEXT = {
  pending: "Not sent yet — we'll send it when you reconnect.",
  sent: "Telling your facilitator…",
  done: "Your facilitator has been told, privately. They will contact you.",
  nobody: "No facilitator is in the room right now, so nobody has been told — please use the numbers above.",
  ended: "Could not be sent: the room has ended — the numbers above are always available.",
  gone: "Could not be sent: you are no longer connected to the room — the numbers above are always available.",
};

function setSupport(state, text = SUPPORT_TEXT[state]) {
  support = state;
  $("support-status").textContent = text;
}

function askForSupport() {
  $("signposting").hidden = false;
  $("signposting").focus({ preventScroll: true }); // the card is in view beside the button: video stays put
  if (closedFor) {
    setSupport(null, closedFor === 4409 ? SUPPORT_TEXT.ended : SUPPORT_TEXT.gone);
  } else {
    setSupport("pending");
    sendSupport();
  }
}

function sendSupport() {
  // Only once the server has let this connection in (its "state" came).
  if (support === "pending" && me && socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "support" }));
    setSupport("sent");
  }
}

function waitToReopen() {
  // Ended (or not open yet): ask the status URL now and then, and come back
  // in when a facilitator opens the room again. In place, not by reloading,
  // so help that is on show stays on show.
  const every = (config.pollSeconds || 15) * 1000;
  const check = async () => {
    try {
      const response = await fetch(config.statusUrl, { credentials: "same-origin" });
      if (!response.ok) return; // gone, or no longer ours to see
      const { status } = await response.json();
      if (status === "open") {
        closedFor = null;
        ended = false;
        setStatus("The room is open again. Connecting…");
        connect();
        return;
      }
      if (status !== "ended" && status !== "not_yet") return; // closed for good: nothing to wait for
    } catch {
      // offline for a moment: ask again next time
    }
    window.setTimeout(check, every / 2 + Math.random() * every);
  };
  window.setTimeout(check, every / 2 + Math.random() * every);
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
    sfu?.stop();
    me = null;
    if (FINAL[event.code]) {
      closedFor = event.code;
      showPlace(null);
      if (!ended) setStatus(FINAL[event.code]);
      if (support === "pending" || support === "sent") {
        setSupport(null, event.code === 4409 ? SUPPORT_TEXT.ended : SUPPORT_TEXT.gone);
      }
      if (event.code === 4409) waitToReopen();
      return;
    }
    if (support === "sent") setSupport("pending"); // no answer came: send it again
    attempts += 1;
    const ceiling = Math.min(30000, 1000 * 2 ** Math.min(attempts, 5));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2); // jitter: not everyone at once
    setStatus(`The connection was lost. Reconnecting in ${Math.ceil(delay / 1000)} seconds…`);
    window.setTimeout(connect, delay);
  });
}

function showPlace(state) {
  $("lobby").hidden = state !== "lobby";
  $("inside").hidden = state !== "admitted";
  if ($("devices")) {
    // Choose and preview the camera and microphone while waiting; inside, choose them (if sending).
    // On a stage, the audience is not asked for its camera: it only watches.
    const sends = !sfu || layout === "circle" || config.facilitator;
    $("devices").hidden = !((state === "lobby" && sends) || (state === "admitted" && mayPublish));
    // Inside, the choices sit under one's own controls, never above the video.
    const home = state === "admitted" ? $("device-home") : $("lobby");
    if (home && $("devices").parentElement !== home.parentElement) home.after($("devices"));
    $("preview-tile").hidden = state !== "lobby";
    if (state === "lobby" && sends) preview();
  }
}

// Camera and microphone: chosen from the lists, previewed in the lobby
// (nothing is sent until the person is let in), switched in place inside.
async function preview() {
  if (!av) return;
  await av.ensureMedia();
  if (av.stream) $("preview").srcObject = av.stream;
  await listDevices();
}

async function listDevices() {
  if (!navigator.mediaDevices?.enumerateDevices) return;
  const devices = await navigator.mediaDevices.enumerateDevices();
  const fill = (select, kind, fallback) => {
    const current = av?.stream?.getTracks().find((t) => t.kind === (kind === "videoinput" ? "video" : "audio"));
    const chosen = select.value || current?.getSettings().deviceId || "";
    const options = devices.filter((d) => d.kind === kind && d.deviceId).map((d, index) => {
      const option = document.createElement("option");
      option.value = d.deviceId;
      option.textContent = d.label || `${fallback} ${index + 1}`;
      return option;
    });
    if (!options.length) return;
    select.replaceChildren(...options);
    select.value = options.some((o) => o.value === chosen) ? chosen : options[0].value;
  };
  fill($("camera-choice"), "videoinput", "Camera");
  fill($("mic-choice"), "audioinput", "Microphone");
}

async function useDevices() {
  if (!av || !navigator.mediaDevices) return;
  const camera = $("camera-choice").value;
  const mic = $("mic-choice").value;
  let fresh;
  try {
    fresh = await navigator.mediaDevices.getUserMedia({
      audio: mic ? { deviceId: { exact: mic } } : true,
      video: { ...(camera ? { deviceId: { exact: camera } } : {}), width: { ideal: 640 }, height: { ideal: 480 } },
    });
  } catch (error) {
    mediaStatus(error && error.name === "NotAllowedError" ? "media-refused" : "media-missing");
    return;
  }
  for (const pc of av.connections()) {
    for (const sender of pc.getSenders()) {
      const track = fresh.getTracks().find((t) => t.kind === sender.track?.kind);
      if (track) sender.replaceTrack(track).catch(() => {});
    }
  }
  av.stream?.getTracks().forEach((track) => track.stop());
  av.stream = fresh;
  av.localVideo.srcObject = fresh;
  $("preview").srcObject = fresh;
  av.applyTracks();
  mediaStatus("media-ok");
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
    if (layout === "stage" && person.on_stage && person.role !== "facilitator") notes.push("on stage");
    if (config.facilitator && person.role !== "facilitator") {
      const tools = document.createElement("div");
      tools.className = "app-room__tools";
      if (config.video) tools.append(button("Mute", person.name, () => send({ type: "mute", participant: code })));
      if (sfu && layout === "stage") {
        tools.append(person.on_stage
          ? button("Back to audience", person.name, () => send({ type: "stage", participant: code, on: false }))
          : button("Bring on stage", person.name, () => send({ type: "stage", participant: code, on: true })));
      }
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

let layout = "circle";
function renderLayout(value) {
  layout = value || layout;
  root.dataset.layout = layout;
  if (config.facilitator && $("layout-toggle")) $("layout-toggle").checked = layout === "stage";
  renderStage();
  renderPeople();
}

// Whether this person sends audio and video now (stage: only the panel).
let mayPublish = true;
function renderStage() {
  if ($("devices") && me?.state === "admitted") $("devices").hidden = !mayPublish;
  if (!$("stage-note")) return;
  $("stage-note").hidden = !(sfu && layout === "stage" && !mayPublish);
  $("controls").hidden = Boolean(sfu) && !mayPublish;
  $("local-tile").hidden = Boolean(sfu) && !mayPublish;
}

function renderSettings({ locked, lobby_enabled: lobby }) {
  if (!config.facilitator) return;
  $("lock-toggle").checked = locked;
  $("lobby-toggle").checked = lobby;
}

// "I need support" alerts, facilitators only: one line per person, with
// when they asked (and how often); the server keeps them while the room is
// open, so a reload shows them again.
const clock = (at) => new Date(at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
function showAlert({ participant, name, at, first_at: firstAt, count }) {
  const line = alerts.get(participant)?.line || document.createElement("p");
  line.className = "app-room__alert";
  alerts.set(participant, { line, name });
  const time = document.createElement("time");
  time.dateTime = at;
  time.textContent = clock(at);
  const repeats = count > 1 ? ` (${count} times since ${clock(firstAt || at)})` : "";
  const text = document.createElement("span");
  text.append(`${name} asked for support at `, time, `${repeats}. Please contact them privately.`);
  // Seen: it goes for every facilitator, so nobody else follows it up twice.
  const seen = button("Seen — I'll follow up", `(${name})`, () => send({ type: "support_dismiss", participant }));
  line.replaceChildren(text, " ", seen);
  $("alerts").append(line); // the latest last
}

function dismissAlert({ participant, by }) {
  const line = alerts.get(participant)?.line;
  if (!line) return;
  const hadFocus = line.contains(document.activeElement);
  const { name } = alerts.get(participant);
  line.remove();
  alerts.delete(participant);
  $("alerts-status").textContent = `${by} has seen the request from ${name} and will follow it up.`;
  if (hadFocus) {
    // Keep the keyboard where it was: the next alert's button, or the controls' heading.
    const next = $("alerts").querySelector("button") || $("facilitator-heading");
    next.focus();
  }
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
    if (message.support) {
      alerts.clear();
      $("alerts").replaceChildren();
      message.support.forEach(showAlert);
    }
    if (message.ice) handlers.ice(message.ice); // before calling anyone
    mayPublish = me.may_publish !== false;
    renderLayout(message.room.layout);
    showPlace(me.state);
    sendSupport();
    if (me.state === "admitted") {
      setStatus("You are in the room.");
      const others = message.participants.flatMap(({ participant, peers }) =>
        peers.map((peer) => ({ peer, participant })));
      mesh?.start(me.peer, others);
      sfu?.start(mayPublish);
    } else {
      setStatus("You are waiting in the lobby.");
      mesh?.closeAll();
      sfu?.stop(); // nothing sent or received from the lobby
    }
  },
  participant({ participant }) {
    upsert(participant);
    renderPeople();
    av?.rename();
  },
  ice({ servers, expires }) {
    av?.setIce(servers);
    window.clearTimeout(iceRefresh);
    if (expires) {
      // A fresh TURN credential well before this one expires (coturn refuses expired ones).
      const wait = Math.max(5000, (expires * 1000 - Date.now()) * 0.8);
      iceRefresh = window.setTimeout(() => send({ type: "ice" }), wait);
    }
  },
  layout({ layout: value }) {
    renderLayout(value);
  },
  stage(message) {
    mayPublish = message.may_publish;
    renderStage();
    sfu?.handle(message);
  },
  video_joined: (message) => sfu?.handle(message),
  video_feeds: (message) => sfu?.handle(message),
  video_feed_gone: (message) => sfu?.handle(message),
  video_answer: (message) => sfu?.handle(message),
  video_offer: (message) => sfu?.handle(message),
  video_hangup: (message) => sfu?.handle(message),
  video_lost: (message) => sfu?.handle(message),
  video_unavailable: (message) => sfu?.handle(message),
  video_stopped: (message) => sfu?.handle(message),
  video_rejoin: (message) => sfu?.handle(message),
  session({ seconds_left: secondsLeft }) {
    // Acting in the room kept the sign-in alive: the idle warning starts again.
    document.dispatchEvent(new CustomEvent("session-extended", { detail: secondsLeft }));
  },
  participant_left({ participant }) {
    people.delete(participant);
    av?.closeParticipant(participant);
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
  support(alert) {
    showAlert(alert);
  },
  support_dismissed: dismissAlert,
  support_sent({ delivered }) {
    setSupport("done", delivered === false ? SUPPORT_TEXT.nobody : SUPPORT_TEXT.done);
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
    sfu?.stop();
    setStatus("A facilitator has asked you to leave this session.");
  },
  ended() {
    ended = true;
    sfu?.stop();
    setStatus(Date.now() >= Date.parse(config.endsAt)
      ? "The session has ended. Thank you for coming."
      : "A facilitator has ended the session for everyone. If they open the room again, this page updates by itself.");
  },
  error({ code, message }) {
    setStatus(message);
    if (code === "rate_limited" && support === "sent") {
      setSupport("pending"); // it may have been this one: try again shortly
      window.setTimeout(sendSupport, 2000);
    }
  },
};

function setMic(on) {
  av?.setAudio(on);
  // The label names what pressing does, so it is never ambiguous; the
  // pressed state tells screen readers it is a toggle.
  $("mic").textContent = on ? "Turn microphone off" : "Turn microphone on";
  $("mic").setAttribute("aria-pressed", String(!on));
  send({ type: "media", audio: on, video: av ? av.videoOn : false });
}

function setCamera(on) {
  av?.setVideo(on);
  $("camera").textContent = on ? "Turn camera off" : "Turn camera on";
  $("camera").setAttribute("aria-pressed", String(!on));
  send({ type: "media", audio: av ? av.audioOn : false, video: on });
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
$("support").addEventListener("click", askForSupport);
if (av) {
  $("camera-choice").addEventListener("change", useDevices);
  $("mic-choice").addEventListener("change", useDevices);
}
if (av) {
  $("audio-only").addEventListener("click", () => {
    const on = !av.audioOnly;
    av.setAudioOnly(on);
    $("audio-only").setAttribute("aria-pressed", String(on));
    mediaStatus(on ? "audio-only" : "video-back");
  });
}
if (av) {
  $("mic").addEventListener("click", () => setMic(!av.audioOn));
  $("camera").addEventListener("click", () => setCamera(!av.videoOn));
}
// A network change (back online, or another network): ICE restarts in place.
window.addEventListener("online", () => sfu?.restartIce());
if (config.facilitator) {
  // Ending asks first, in place (the link's own page asks without JavaScript).
  const end = document.querySelector("[data-room-end]");
  const confirmEnd = document.querySelector("[data-room-end-confirm]");
  end.addEventListener("click", (event) => {
    event.preventDefault();
    confirmEnd.hidden = false;
    end.hidden = true;
    confirmEnd.focus();
  });
  confirmEnd.querySelector("[data-room-end-cancel]").addEventListener("click", () => {
    confirmEnd.hidden = true;
    end.hidden = false;
    end.focus();
  });
  $("hands-clear").addEventListener("click", () => send({ type: "hands_clear" }));
  $("lock-toggle").addEventListener("change", (event) => send({ type: "lock", locked: event.target.checked }));
  $("lobby-toggle").addEventListener("change", (event) => send({ type: "lobby", enabled: event.target.checked }));
  $("layout-toggle")?.addEventListener("change", (event) => {
    send({ type: "layout", layout: event.target.checked ? "stage" : "circle" });
  });
}

root.hidden = false;
connect();
