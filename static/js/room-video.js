// WebRTC mesh for small groups: one RTCPeerConnection per other tab in the
// room, signalled through the room's WebSocket (offers, answers and ICE
// candidates go only to the named peer). The newest arrival makes the offers;
// if two offers cross, the peer with the smaller id gives way ("polite").

export class VideoMesh {
  constructor({ send, iceServers, container, localVideo, nameOf, policy, onStatus }) {
    this.send = send;
    this.iceServers = iceServers;
    this.policy = policy || "all";
    this.onStatus = onStatus;
    this.container = container;
    this.localVideo = localVideo;
    this.nameOf = nameOf;
    this.peers = new Map(); // peer id -> {pc, participant, figure, chain}
    this.stream = null;
    this.me = null;
    this.audioOn = true;
    this.videoOn = true;
  }

  async ensureMedia() {
    if (this.stream || !navigator.mediaDevices) return this.stream;
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: true, video: { width: { ideal: 320 }, height: { ideal: 240 } },
      });
      this.localVideo.srcObject = this.stream;
      this.applyTracks();
      this.onStatus?.("media-ok");
    } catch (error) {
      this.stream = null; // no camera or permission refused: still see and hear others
      this.onStatus?.(error && error.name === "NotAllowedError" ? "media-refused" : "media-missing");
    }
    return this.stream;
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
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.policy });
    entry = { pc, participant, figure: null, chain: Promise.resolve() };
    this.peers.set(peer, entry);
    if (this.stream) {
      for (const track of this.stream.getTracks()) pc.addTrack(track, this.stream);
    } else {
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.addTransceiver("video", { direction: "recvonly" });
    }
    pc.addEventListener("icecandidate", (event) => {
      if (event.candidate) this.send({ type: "signal", to: peer, kind: "candidate", data: event.candidate.toJSON() });
    });
    pc.addEventListener("track", (event) => this.show(peer, entry, event.streams[0] || new MediaStream([event.track])));
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "failed") this.close(peer);
    });
    return entry;
  }

  async call(peer, participant) {
    const { pc } = this.entry(peer, participant);
    await pc.setLocalDescription(await pc.createOffer());
    this.send({ type: "signal", to: peer, kind: "offer", data: pc.localDescription.toJSON() });
  }

  // Signals from one peer are handled in order: a candidate can't be added
  // before the description it belongs to.
  handle(message) {
    const entry = this.entry(message.from_peer, message.participant);
    entry.chain = entry.chain.then(() => this.process(message, entry)).catch(() => {});
  }

  async process({ from_peer: peer, kind, data }, { pc }) {
    if (kind === "offer") {
      const polite = this.me < peer;
      if (pc.signalingState !== "stable" && !polite) return; // ours wins
      await pc.setRemoteDescription(data);
      await pc.setLocalDescription(await pc.createAnswer());
      this.send({ type: "signal", to: peer, kind: "answer", data: pc.localDescription.toJSON() });
    } else if (kind === "answer") {
      if (pc.signalingState === "have-local-offer") await pc.setRemoteDescription(data);
    } else if (kind === "candidate") {
      await pc.addIceCandidate(data).catch(() => {});
    }
  }

  show(peer, entry, stream) {
    if (!entry.figure) {
      const figure = document.createElement("figure");
      figure.className = "app-room__video";
      const video = document.createElement("video");
      video.autoplay = true;
      video.playsInline = true;
      const caption = document.createElement("figcaption");
      caption.textContent = this.nameOf(entry.participant);
      figure.append(video, caption);
      this.container.append(figure);
      entry.figure = figure;
    }
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

  setAudio(on) {
    this.audioOn = on;
    this.applyTracks();
  }

  setVideo(on) {
    this.videoOn = on;
    this.applyTracks();
  }

  applyTracks() {
    if (!this.stream) return;
    for (const track of this.stream.getAudioTracks()) track.enabled = this.audioOn;
    for (const track of this.stream.getVideoTracks()) track.enabled = this.videoOn;
  }

  setIce(servers) {
    this.iceServers = servers;
    for (const { pc } of this.peers.values()) {
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers: servers });
      } catch {
        // closed meanwhile
      }
    }
  }

  // For tests and troubleshooting: this page's own connections, nothing more.
  connections() {
    return [...this.peers.values()].map((entry) => entry.pc);
  }
}
