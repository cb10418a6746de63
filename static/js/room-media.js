// What both ways of carrying a room's audio and video share (the media
// server, room-sfu.js; the small-room mesh, room-video.js): this person's
// camera and microphone, their on/off switches, audio only, the TURN
// credentials handed to every open connection, and the tiles other people
// are shown in. Each way supplies `connections()` and `pauseVideo(on)`.

export class RoomMedia {
  constructor({ send, container, localVideo, nameOf, policy, onStatus }, { width, height }) {
    this.send = send;
    this.container = container;
    this.localVideo = localVideo;
    this.nameOf = nameOf;
    this.policy = policy || "all";
    this.onStatus = onStatus;
    this.size = { width: { ideal: width }, height: { ideal: height } };
    this.iceServers = [];
    this.stream = null;
    this.audioOn = true;
    this.videoOn = true;
    this.audioOnly = false;
  }

  // The camera and microphone, asked for once; without them (refused, or
  // none) this person still sees and hears the others.
  async ensureMedia() {
    if (this.stream || !navigator.mediaDevices) return this.stream;
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: this.audioOnly ? false : this.size });
      this.localVideo.srcObject = this.stream;
      this.applyTracks();
      this.onStatus?.("media-ok");
    } catch (error) {
      this.stream = null;
      this.onStatus?.(error && error.name === "NotAllowedError" ? "media-refused" : "media-missing");
    }
    return this.stream;
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

  // Audio only, for a weak connection: video stops both ways (the camera
  // stays free to come back on).
  setAudioOnly(on) {
    this.audioOnly = on;
    this.pauseVideo(on);
  }

  // Fresh TURN credentials, for the connections open now and those to come.
  setIce(servers) {
    this.iceServers = servers;
    for (const pc of this.connections()) {
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers: servers });
      } catch {
        // a closed connection: nothing to update
      }
    }
  }

  config() {
    return { iceServers: this.iceServers, iceTransportPolicy: this.policy, bundlePolicy: "max-bundle" };
  }

  // A tile for one other person's video, labelled with their name.
  newTile(participant) {
    const figure = document.createElement("figure");
    figure.className = "app-room__video";
    figure.dataset.participant = participant;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    figure.append(video, document.createElement("figcaption"));
    this.label(figure, participant);
    this.container.append(figure);
    return figure;
  }

  label(figure, participant) {
    figure.querySelector("figcaption").textContent = this.nameOf(participant);
    figure.querySelector("video").setAttribute("aria-label", `Video of ${this.nameOf(participant)}`);
  }

  connections() {
    return [];
  }

  pauseVideo() {}
}
