// WebRTC mesh for small groups: one RTCPeerConnection per other tab in the
// room, signalled through the room's WebSocket (offers, answers and ICE
// candidates go only to the named peer). The newest arrival makes the offers;
// if two offers cross, the peer with the smaller id gives way ("polite").
// Later changes (audio only) are offered again on the same connections.
import { RoomMedia } from "./room-media.js";

export class VideoMesh extends RoomMedia {
  constructor(options) {
    super(options, { width: 320, height: 240 });
    this.peers = new Map(); // peer id -> {pc, participant, figure, chain, again}
    this.me = null;
  }

  // Called with the room's state: call every peer already there.
  async start(myPeer, others) {
    this.me = myPeer;
    await this.ensureMedia();
    for (const { peer, participant } of others) {
      if (peer !== myPeer && !this.peers.has(peer)) await this.call(peer, participant);
    }
  }

  entry(peer, participant) {
    let entry = this.peers.get(peer);
    if (entry) return entry;
    const pc = new RTCPeerConnection(this.config());
    entry = { pc, participant, figure: null, chain: Promise.resolve(), again: false };
    this.peers.set(peer, entry);
    if (this.stream) {
      for (const track of this.stream.getTracks()) pc.addTrack(track, this.stream);
    } else {
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.addTransceiver("video", { direction: "recvonly" });
    }
    this.directVideo(pc);
    pc.addEventListener("icecandidate", (event) => {
      if (event.candidate) this.send({ type: "signal", to: peer, kind: "candidate", data: event.candidate.toJSON() });
    });
    pc.addEventListener("track", (event) => this.show(entry, event.streams[0] || new MediaStream([event.track])));
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "failed") this.close(peer);
    });
    return entry;
  }

  // Video goes both ways unless this person chose audio only (then neither).
  directVideo(pc) {
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.receiver.track.kind !== "video" || transceiver.currentDirection === "stopped") continue;
      const sends = Boolean(transceiver.sender.track);
      transceiver.direction = this.audioOnly ? "inactive" : sends ? "sendrecv" : "recvonly";
    }
  }

  async call(peer, participant) {
    const entry = this.entry(peer, participant);
    await this.offer(peer, entry);
  }

  async offer(peer, { pc }) {
    await pc.setLocalDescription(await pc.createOffer());
    this.send({ type: "signal", to: peer, kind: "offer", data: pc.localDescription.toJSON() });
  }

  // Audio only, or back: offer the change on every connection (once the
  // one under way, if any, is settled).
  pauseVideo() {
    for (const [peer, entry] of this.peers) {
      this.directVideo(entry.pc);
      entry.chain = entry.chain.then(() => this.renegotiate(peer, entry)).catch(() => {});
    }
  }

  async renegotiate(peer, entry) {
    if (entry.pc.signalingState !== "stable") {
      entry.again = true; // after the answer comes
      return;
    }
    entry.again = false;
    await this.offer(peer, entry);
  }

  // Signals from one peer are handled in order: a candidate can't be added
  // before the description it belongs to.
  handle(message) {
    const entry = this.entry(message.from_peer, message.participant);
    entry.chain = entry.chain.then(() => this.process(message, entry)).catch(() => {});
  }

  async process({ from_peer: peer, kind, data }, entry) {
    const { pc } = entry;
    if (kind === "offer") {
      const polite = this.me < peer;
      if (pc.signalingState !== "stable" && !polite) return; // ours wins
      await pc.setRemoteDescription(data);
      this.directVideo(pc); // an answer keeps this person's choice
      await pc.setLocalDescription(await pc.createAnswer());
      this.send({ type: "signal", to: peer, kind: "answer", data: pc.localDescription.toJSON() });
    } else if (kind === "answer") {
      if (pc.signalingState === "have-local-offer") await pc.setRemoteDescription(data);
    } else if (kind === "candidate") {
      await pc.addIceCandidate(data).catch(() => {});
    }
    if (entry.again) await this.renegotiate(peer, entry);
  }

  show(entry, stream) {
    if (!entry.figure) entry.figure = this.newTile(entry.participant);
    const video = entry.figure.querySelector("video");
    if (video.srcObject !== stream) video.srcObject = stream;
    video.play().catch(() => {});
  }

  close(peer) {
    const entry = this.peers.get(peer);
    if (!entry) return;
    entry.pc.close();
    entry.figure?.remove();
    this.peers.delete(peer);
  }

  closeParticipant(participant) {
    for (const [peer, entry] of this.peers) if (entry.participant === participant) this.close(peer);
  }

  closeAll() {
    for (const peer of [...this.peers.keys()]) this.close(peer);
  }

  rename() {
    for (const entry of this.peers.values()) if (entry.figure) this.label(entry.figure, entry.participant);
  }

  // For tests and troubleshooting: this page's own connections, nothing more.
  connections() {
    return [...this.peers.values()].map((entry) => entry.pc);
  }
}
