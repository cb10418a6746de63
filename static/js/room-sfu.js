// Video through the media server (Janus), signalled only through the room's
// WebSocket: the server checks every step and speaks to Janus for us. One
// connection sends this person's camera and microphone (when they may: in a
// circle everyone, on a stage the panel), one receives everyone else's.
// Nothing here talks to Janus directly.
import { RoomMedia } from "./room-media.js";

// What goes on the sending connection, in its own lane: getting the camera
// and making an offer never keeps the receiving connection waiting.
const SENDING = new Set(["publish", "video_answer", "stage", "restart"]);

const SIMULCAST = [
  { rid: "h", maxBitrate: 900000 },
  { rid: "m", maxBitrate: 300000, scaleResolutionDownBy: 2 },
  { rid: "l", maxBitrate: 100000, scaleResolutionDownBy: 4 },
];

export class VideoSfu extends RoomMedia {
  constructor(options) {
    super(options, { width: 640, height: 480 });
    // Phones receive the lowest simulcast layer; anyone may choose audio only.
    this.small = window.matchMedia("(max-width: 40em)").matches;
    this.mayPublish = false;
    this.joined = false;
    this.started = false; // let in: video wanted
    this.joining = false; // when the video_join on its way was sent
    this.again = false; // re-attach once it is answered
    this.pub = null; // RTCPeerConnection sending
    this.sub = null; // RTCPeerConnection receiving
    this.spare = null; // the next receiving one, made while the server joins
    this.epoch = 0; // counts closeAll(): work begun before one is dropped
    this.subRestarts = 0; // ICE restarts asked for since it last connected
    this.mids = new Map(); // mid -> {feed, participant, kind}
    this.tiles = new Map(); // participant -> {figure, stream}
    this.retry = null;
    this.attempts = 0;
    // Offers and answers in order, in two lanes: receiving, and sending (SENDING).
    this.lanes = { receiving: Promise.resolve(), sending: Promise.resolve() };
    this.levels = window.setInterval(() => this.showSpeaker(), 500);
  }

  // Speaking indicator: the loudest voice now (ours included) gets a
  // highlighted tile and "speaking" in its caption.
  async showSpeaker() {
    if (!this.joined) return;
    const levels = new Map(); // participant (or "me") -> audio level 0..1
    try {
      if (this.sub) {
        (await this.sub.getStats()).forEach((report) => {
          if (report.type === "inbound-rtp" && report.kind === "audio" && this.mids.has(report.mid)) {
            levels.set(this.mids.get(report.mid).participant, report.audioLevel || 0);
          }
        });
      }
      if (this.pub && this.audioOn) {
        (await this.pub.getStats()).forEach((report) => {
          if (report.type === "media-source" && report.kind === "audio") levels.set("me", report.audioLevel || 0);
        });
      }
    } catch {
      return; // closed meanwhile
    }
    let speaker = null;
    let loudest = 0.05; // quieter than this is silence
    for (const [who, level] of levels) {
      if (level > loudest) [speaker, loudest] = [who, level];
    }
    const figures = [...this.tiles.entries()].map(([who, tile]) => [who, tile.figure]);
    figures.push(["me", this.localVideo.closest("figure")]);
    for (const [who, figure] of figures) {
      const speaking = who === speaker;
      figure.classList.toggle("app-room__video--speaking", speaking);
      const caption = figure.querySelector("figcaption");
      const name = who === "me" ? "You" : this.nameOf(who);
      const text = speaking ? `${name} (speaking)` : name;
      if (caption.textContent !== text) caption.textContent = text;
    }
  }

  // Let in (again): join the media server's room through our socket.
  start(mayPublish) {
    this.mayPublish = mayPublish;
    this.started = true;
    this.join();
  }

  // The join asks to receive everyone publishing now, at our quality: the
  // server's offer comes straight after its answer, and the connection to
  // take it is made meanwhile.
  join() {
    window.clearTimeout(this.retry);
    this.joining = Date.now();
    const receive = this.quality();
    this.qualitySent = receive;
    this.send({ type: "video_join", receive });
    if (!this.spare) this.spare = new RTCPeerConnection(this.config());
  }

  // The server made the room again after losing the media server (or moved
  // it to another): re-attach now, without reloading. A join already on its
  // way is answered first, then we join again, so offers never cross.
  rejoin() {
    if (!this.started) return;
    if (this.joining && Date.now() - this.joining < 10000) { // (one unanswered that long is lost)
      this.again = true;
      return;
    }
    this.closeAll();
    this.attempts = 0;
    this.join();
  }

  // An answer to our join: false if a rejoin was asked for meanwhile (and is now sent).
  joinAnswered() {
    this.joining = false;
    if (!this.again) return true;
    this.again = false;
    this.closeAll();
    this.join();
    return false;
  }

  handle(message) {
    const lane = SENDING.has(message.type) ? "sending" : "receiving";
    this.lanes[lane] = this.lanes[lane].then(() => this.process(message)).catch(() => {});
  }

  async process(message) {
    switch (message.type) {
      case "video_joined":
        if (!this.joinAnswered()) break;
        window.clearTimeout(this.retry); // a retry due from before is not needed now
        this.joined = true;
        this.attempts = 0;
        this.onStatus?.("joined");
        this.mayPublish = message.may_publish;
        this.sendQuality(); // if it changed since the join was sent
        // Everyone in message.feeds comes in the server's next message (video_offer).
        if (this.mayPublish) this.handle({ type: "publish" });
        break;
      case "publish":
        if (this.mayPublish && this.joined && !this.pub) await this.publish();
        break;
      case "video_feeds":
        this.subscribe(message.feeds);
        break;
      case "video_feed_gone":
        for (const [mid, entry] of this.mids) if (entry.feed === message.feed) this.mids.delete(mid);
        this.prune();
        break;
      case "video_answer":
        if (this.pub && this.pub.signalingState === "have-local-offer") await this.pub.setRemoteDescription(message.jsep);
        break;
      case "video_offer":
        // One sent before the join now on its way belongs to a link the server has closed.
        if (this.joined && !this.joining) await this.answer(message);
        break;
      case "stage":
        this.mayPublish = message.may_publish;
        if (this.mayPublish && this.joined && !this.pub) await this.publish();
        if (!this.mayPublish) this.unpublish();
        break;
      case "restart":
        if (this.pub) {
          await this.pub.setLocalDescription(await this.pub.createOffer({ iceRestart: true }));
          this.send({ type: "video_publish", jsep: { type: "offer", sdp: this.pub.localDescription.sdp } });
        }
        break;
      case "video_hangup":
        if (message.target === "publisher") this.closePub();
        else this.reconnect();
        break;
      case "video_rejoin":
        this.rejoin();
        break;
      case "video_unavailable":
        if (this.joinAnswered()) this.reconnect();
        break;
      case "video_lost":
      case "video_stopped":
        this.reconnect();
        break;
      default:
    }
  }

  // The network changed (the browser came back online, or a connection
  // failed): restart ICE on both connections, keeping everything else.
  restartIce() {
    if (!this.joined) return;
    if (this.pub) this.handle({ type: "restart" });
    if (this.sub) this.send({ type: "video_restart" });
  }

  async publish() {
    const epoch = this.epoch;
    if (!(await this.ensureMedia()) || epoch !== this.epoch) return;
    this.closePub();
    const pc = new RTCPeerConnection(this.config());
    this.pub = pc;
    for (const track of this.stream.getTracks()) {
      const init = { direction: "sendonly", streams: [this.stream] };
      if (track.kind === "video") init.sendEncodings = SIMULCAST; // phones receive a low layer
      pc.addTransceiver(track, init);
    }
    pc.addEventListener("icecandidate", (event) => {
      this.send({ type: "video_candidate", target: "publisher", candidate: event.candidate ? event.candidate.toJSON() : null });
    });
    pc.addEventListener("connectionstatechange", () => {
      // A network change: restart ICE with a fresh offer (the server renegotiates with Janus).
      if (pc.connectionState === "failed" && this.pub === pc) this.handle({ type: "restart" });
    });
    await pc.setLocalDescription(await pc.createOffer());
    if (this.pub !== pc) return; // closed meanwhile
    this.send({ type: "video_publish", jsep: { type: "offer", sdp: pc.localDescription.sdp } });
  }

  unpublish() {
    if (!this.pub) return;
    this.closePub();
    this.send({ type: "video_unpublish" });
  }

  closePub() {
    if (this.pub) this.pub.close();
    this.pub = null;
  }

  subscribe(feeds) {
    const wanted = feeds.map((entry) => entry.feed);
    if (wanted.length) this.send({ type: "video_subscribe", feeds: wanted });
  }

  async answer({ jsep, streams }) {
    for (const stream of streams || []) this.mids.set(stream.mid, stream);
    const epoch = this.epoch;
    const pc = this.receiver();
    await pc.setRemoteDescription(jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    if (epoch !== this.epoch) return; // closed meanwhile
    this.send({ type: "video_answer", jsep: { type: "answer", sdp: pc.localDescription.sdp } });
    this.prune();
  }

  // The receiving connection: the one made while joining, or a new one.
  receiver() {
    if (this.sub) return this.sub;
    const pc = this.spare || new RTCPeerConnection(this.config());
    if (this.spare) pc.setConfiguration({ ...pc.getConfiguration(), iceServers: this.iceServers }); // fresh TURN
    this.spare = null;
    this.sub = pc;
    pc.addEventListener("icecandidate", (event) => {
      this.send({ type: "video_candidate", target: "subscriber", candidate: event.candidate ? event.candidate.toJSON() : null });
    });
    pc.addEventListener("track", (event) => this.show(event.transceiver.mid, event.track));
    pc.addEventListener("connectionstatechange", () => {
      if (this.sub !== pc) return;
      if (pc.connectionState === "connected") this.subRestarts = 0;
      // A network change: ask the server for an ICE restart (Janus offers
      // afresh); if that does not bring it back, join again.
      if (pc.connectionState === "failed") {
        if (this.subRestarts++ < 1) this.send({ type: "video_restart" });
        else this.reconnect();
      }
    });
    return pc;
  }

  show(mid, track) {
    const entry = this.mids.get(mid);
    if (!entry) return;
    const tile = this.tile(entry.participant);
    for (const old of tile.stream.getTracks()) if (old.kind === track.kind && old !== track) tile.stream.removeTrack(old);
    tile.stream.addTrack(track);
    track.addEventListener("ended", () => tile.stream.removeTrack(track));
    const video = tile.figure.querySelector("video");
    video.srcObject = tile.stream;
    video.play().catch(() => {});
  }

  tile(participant) {
    let tile = this.tiles.get(participant);
    if (tile) return tile;
    tile = { figure: this.newTile(participant), stream: new MediaStream() };
    this.tiles.set(participant, tile);
    return tile;
  }

  // Tiles of people no longer received go.
  prune() {
    const shown = new Set([...this.mids.values()].map((entry) => entry.participant));
    for (const [participant, tile] of this.tiles) {
      if (!shown.has(participant)) {
        tile.figure.remove();
        this.tiles.delete(participant);
      }
    }
  }

  closeParticipant(participant) {
    for (const [mid, entry] of this.mids) if (entry.participant === participant) this.mids.delete(mid);
    this.prune();
  }

  rename() {
    for (const [participant, tile] of this.tiles) this.label(tile.figure, participant);
  }

  // The media server went away or hung up: say so, and join again shortly.
  reconnect() {
    this.closeAll();
    this.onStatus?.("reconnecting");
    this.attempts += 1;
    const delay = Math.min(15000, 1000 * 2 ** Math.min(this.attempts, 4)) * (0.5 + Math.random() / 2);
    window.clearTimeout(this.retry);
    this.retry = window.setTimeout(() => this.join(), delay);
  }

  closeAll() {
    this.epoch += 1;
    this.joined = false;
    this.qualitySent = null;
    this.closePub();
    if (this.sub) this.sub.close();
    this.sub = null;
    if (this.spare) this.spare.close();
    this.spare = null;
    this.mids.clear();
    this.prune();
  }

  // Leaving the room, sent to the lobby, ended: nothing sent, nothing received.
  stop() {
    window.clearTimeout(this.retry);
    this.started = false;
    this.joining = false;
    this.again = false;
    this.localVideo.closest("figure").classList.remove("app-room__video--speaking");
    this.closeAll();
  }

  // What to receive: "audio" (audio only), "low" (phones) or "high".
  quality() {
    return this.audioOnly ? "audio" : this.small ? "low" : "high";
  }

  // Sent with the join, and again when it changes.
  sendQuality() {
    const quality = this.quality();
    if (this.joined && quality !== (this.qualitySent || "high")) {
      this.send({ type: "video_quality", quality });
      this.qualitySent = quality;
    }
  }

  // Audio only: the media server stops sending us video, and we stop
  // sending ours.
  pauseVideo(on) {
    this.sendQuality();
    const video = this.stream?.getVideoTracks()[0] || null;
    for (const sender of this.pub ? this.pub.getSenders() : []) {
      if (sender.track?.kind === "video" || (sender.track === null && video)) {
        sender.replaceTrack(on ? null : video).catch(() => {});
      }
    }
  }

  connections() {
    return [this.pub, this.sub].filter(Boolean);
  }
}
