// AudioWorklet processor: takes the microphone (or the sample) at the AudioContext's rate, mixes it
// to mono, resamples it to 16 kHz and posts 16-bit little-endian PCM in chunks of `chunkSamples`
// (1600 = 100 ms, the chunk size Google recommends for the Live API).
//
// Resampling averages the input samples that fall into each output sample's period (a box filter):
// cheap, keeps the phase continuous across render quanta, and filters enough aliasing for speech.

class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions || {};
    this.ratio = sampleRate / (o.targetRate || 16000);
    this.chunk = new Int16Array(o.chunkSamples || 1600);
    this.fill = 0;
    this.acc = 0;
    this.count = 0;
    this.phase = 0;
    this.port.onmessage = (e) => {
      if (e.data === 'flush') {
        this.emit(this.fill);
        this.port.postMessage({ flushed: true });
      }
    };
  }

  process(inputs, outputs) {
    const input = inputs[0];
    if (input && input.length > 0) {
      const ch = input[0];
      for (let i = 0; i < ch.length; i++) {
        this.acc += ch[i];
        this.count++;
        this.phase += 1;
        if (this.phase >= this.ratio) {
          this.phase -= this.ratio;
          this.push(this.acc / this.count);
          this.acc = 0;
          this.count = 0;
        }
      }
    }
    // Keeps the node alive while it has no input yet (the sample starts a moment later).
    return true;
  }

  push(v) {
    const s = v > 1 ? 1 : v < -1 ? -1 : v;
    this.chunk[this.fill++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    if (this.fill === this.chunk.length) {
      this.emit(this.fill);
    }
  }

  emit(n) {
    if (n === 0) {
      return;
    }
    const out = this.chunk.slice(0, n);
    this.port.postMessage({ pcm: out.buffer }, [out.buffer]);
    this.fill = 0;
  }
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
