// Audio in and out for the Live API: 16 kHz 16-bit mono PCM in 100 ms chunks going up, 24 kHz
// 16-bit mono PCM coming down, played gaplessly. One AudioContext at the device's own rate; the
// AudioWorklet resamples the input, and AudioBuffers at 24 kHz are resampled by the browser.

export const INPUT_RATE = 16000;
export const OUTPUT_RATE = 24000;
const CHUNK_SAMPLES = INPUT_RATE / 10;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** PCM16 samples as little-endian bytes, whatever the platform's byte order. */
export function pcmBytes(int16) {
  if (LITTLE_ENDIAN) {
    return new Uint8Array(int16.buffer, int16.byteOffset, int16.byteLength);
  }
  const out = new Uint8Array(int16.length * 2);
  const view = new DataView(out.buffer);
  int16.forEach((v, i) => view.setInt16(i * 2, v, true));
  return out;
}

export class AudioEngine {
  constructor() {
    this.ctx = new AudioContext({ latencyHint: 'interactive' });
    this.nextPlayTime = 0;
    this.playedBytes = 0;
    this.capture = null;
    this.stream = null;
    this.sampleNode = null;
  }

  /** Sets up the capture worklet; `onChunk` receives Uint8Array chunks of 16 kHz PCM16LE. */
  async start(onChunk) {
    await this.ctx.resume();
    await this.ctx.audioWorklet.addModule(new URL('pcm-capture-worklet.js', import.meta.url));
    this.capture = new AudioWorkletNode(this.ctx, 'pcm-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions: { targetRate: INPUT_RATE, chunkSamples: CHUNK_SAMPLES },
    });
    this.capture.port.onmessage = (e) => {
      if (e.data.pcm) {
        onChunk(pcmBytes(new Int16Array(e.data.pcm)));
      } else if (e.data.flushed && this.onFlushed) {
        this.onFlushed();
      }
    };
    // A silent path to the destination keeps the worklet in the rendered graph.
    const mute = this.ctx.createGain();
    mute.gain.value = 0;
    this.capture.connect(mute).connect(this.ctx.destination);
  }

  /** Captures the microphone (asks the user for permission). */
  async useMicrophone() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    this.ctx.createMediaStreamSource(this.stream).connect(this.capture);
  }

  /**
   * Plays a sample file into the capture path in real time (not to the speakers: you hear only the
   * translation). Resolves once the file has played and its last partial chunk was handed over.
   */
  async useSample(url) {
    const res = await fetch(url);
    if (!res.ok) {
      throw new Error(`The sample ${url} could not be loaded (HTTP ${res.status}).`);
    }
    const buffer = await this.ctx.decodeAudioData(await res.arrayBuffer());
    const node = this.ctx.createBufferSource();
    node.buffer = buffer;
    node.connect(this.capture);
    this.sampleNode = node;
    return new Promise((resolve) => {
      node.onended = () => {
        if (this.sampleNode !== node) {
          resolve(false);           // stopped early
          return;
        }
        this.onFlushed = () => resolve(true);
        this.capture.port.postMessage('flush');
      };
      node.start();
    });
  }

  /** Schedules 24 kHz PCM16LE right after what is already scheduled, so chunks play without gaps. */
  play(bytes, rate = OUTPUT_RATE) {
    const n = Math.floor(bytes.length / 2);
    if (n === 0) {
      return;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
    const buffer = this.ctx.createBuffer(1, n, rate);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < n; i++) {
      data[i] = view.getInt16(i * 2, true) / 32768;
    }
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.ctx.destination);
    // A little lead when starting (or after an underrun) absorbs network jitter.
    const start = Math.max(this.nextPlayTime, this.ctx.currentTime + 0.08);
    src.start(start);
    this.nextPlayTime = start + buffer.duration;
    this.playedBytes += n * 2;
  }

  /** Stops capture and playback and releases the microphone. */
  async close() {
    if (this.sampleNode) {
      const node = this.sampleNode;
      this.sampleNode = null;
      try {
        node.stop();
      } catch (e) {
        // never started
      }
    }
    if (this.stream) {
      this.stream.getTracks().forEach((t) => t.stop());
      this.stream = null;
    }
    if (this.ctx.state !== 'closed') {
      await this.ctx.close();
    }
  }
}
