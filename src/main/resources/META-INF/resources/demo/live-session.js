// A Live Translate session over the Live API WebSocket, opened with an ephemeral token minted by
// Live Token Service. The same rules as the Java client (dev.livetoken.client.LiveTranslateSession):
//  - the setup asks for transparent session resumption; the latest handle is kept, with the index
//    of the last message its state includes (lastConsumedClientMessageIndex);
//  - on goAway, or when the connection drops (1006, 1001, 1011, a time limit), it closes the old
//    socket first (Google refuses a resume while it is open), reconnects with the latest handle and
//    the same token (resuming spends no use), and sends again, in order, the audio the handle's
//    state does not include plus what was captured meanwhile; attempts back off exponentially;
//  - when the token has expired, or there is no handle to resume with, or the resume is refused
//    (1008: handle unknown, token used up or out of its window), it asks the service for a fresh
//    token and starts a new session: a handle belongs to its token;
//  - better, before the token expires (30 s ahead, a third of the lifetime for short tokens) it
//    renews it (POST /v1/tokens/renew: the same constraints, the service's full admission again),
//    opens a new session with the fresh token, sends the audio there from then on, and keeps the
//    old session open until it has answered what it heard (at most 10 s): no gap while the user
//    talks. Every later token is a renewal of the one before, so the audit trail is one chain.
// The token is used only in the WebSocket URL, as the documented access_token parameter; it is
// never logged, stored or shown.

const MAX_UNACKED = 50;          // 5 s of 100 ms chunks kept for a resend
const MAX_BUFFERED = 300;        // 30 s captured while reconnecting
const CONNECT_TIMEOUT_MS = 10000;
const RECOVERY_ATTEMPTS = 5;
const BACKOFF_MS = 250;
const RENEW_AHEAD_MS = 30000;     // as the Java client's --renew-ahead default
const HANDOVER_DRAIN_MS = 10000;  // the old session's last answers, at most this long
const QUIET_MS = 1500;            // an old session that said nothing for this long has answered

/** Close codes of the Live API and what they mean for a user (docs/live-api-protocol.md §5). */
export const CLOSE_CODES = {
  1000: 'The Live API ended the session.',
  1001: 'The Live API is going away (server restart).',
  1006: 'The connection to the Live API dropped (network trouble, or the server is unreachable).',
  1007: 'The Live API refused a message as invalid.',
  1008: 'The Live API refused the token or the session (expired, used up, not allowed, or not found).',
  1011: 'The Live API had an internal error, a quota or a deadline was hit. Try again in a moment.',
};

export class LiveClose extends Error {
  constructor(code, reason) {
    const known = CLOSE_CODES[code] || `The Live API closed the connection (code ${code}).`;
    super(reason ? `${known} Reason: "${reason}" (code ${code})` : `${known} (code ${code})`);
    this.code = code;
    this.reason = reason;
  }
}

/** Whether a close after the setup is worth a reconnect (a network drop, a time limit, a restart). */
function recoverable(code, reason) {
  if (code === 1006 || code === 1001 || code === 1011 || code === 1000) {
    return true;
  }
  // 1008 also ends connections at their time limit, and sessions whose token expired: renewable.
  return code === 1008 && /time limit|expired|deadline/i.test(reason || '');
}

const decoder = new TextDecoder();

function base64ToBytes(b64) {
  const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    out[i] = s.charCodeAt(i);
  }
  return out;
}

function bytesToBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function rateOf(mimeType) {
  const m = /rate=(\d+)/.exec(mimeType || '');
  return m ? Number(m[1]) : 24000;
}

export class LiveSession {
  /**
   * @param mint async () => the service's mint answer (POST /v1/tokens)
   * @param events { onAudio(bytes, rate), onTranscript(side, text, lang, finished), onToken(info, answer),
   *                 onState(state, message), onFrame(kind), onResumed(count), onHandover(count) }
   * @param renew async (token) => the service's renewal answer (POST /v1/tokens/renew); null: mint
   *              a new token each time, and only once one is needed (no renewal ahead)
   */
  constructor(mint, events, renew = null) {
    this.mint = mint;
    this.renew = renew;
    this.events = events;
    this.renewTimer = null;
    this.handingOver = null;
    this.handovers = 0;
    this.token = null;
    this.current = null;
    this.handle = null;
    this.unacked = [];
    this.buffered = [];
    this.recovering = false;
    this.stopping = false;
    this.resumptions = 0;
    this.lastMessageAt = performance.now();
  }

  /** Mints a token, connects, sends the setup and waits for setupComplete. */
  async open() {
    await this.renewToken();
    const c = await this.connect(null);
    if (this.stopping) {
      closeConn(c, 1000, 'stopped');
      return;
    }
    this.current = c;
    // audio captured while connecting goes first
    const early = this.buffered;
    this.buffered = [];
    early.forEach((msg) => this.sendTracked(c, msg));
    this.events.onState('live');
  }

  /** Seconds left on the token, counted from the service's expiresInSeconds, not the device clock. */
  tokenSecondsLeft() {
    return this.token ? (this.token.expiresAt - performance.now()) / 1000 : 0;
  }

  /** A fresh token for this session: the current one renewed when it can, else a new mint. */
  async fetchToken() {
    const previous = this.token;
    const t = previous && this.renew ? await this.renew(previous.value) : await this.mint();
    const now = performance.now();
    const windowMs = Date.parse(t.newSessionExpireTime) - Date.parse(t.serverTime);
    const token = {
      value: t.token,
      websocketUrl: t.websocketUrl,
      model: t.model,
      locked: t.locked,
      translationConfig: t.translationConfig,
      lifetimeMs: t.expiresInSeconds * 1000,
      expiresAt: now + t.expiresInSeconds * 1000,
      newSessionsUntil: now + (Number.isFinite(windowMs) ? windowMs : 0),
    };
    this.events.onToken(token, t);
    return token;
  }

  /** Makes {@code token} the session's token and times its renewal. */
  adopt(token) {
    this.token = token;
    this.scheduleRenewal();
  }

  async renewToken() {
    this.adopt(await this.fetchToken());
  }

  scheduleRenewal() {
    clearTimeout(this.renewTimer);
    if (!this.renew || this.stopping || !this.token) {
      return;
    }
    const ahead = Math.min(RENEW_AHEAD_MS, this.token.lifetimeMs / 3);
    const due = this.token.expiresAt - ahead - performance.now();
    this.renewTimer = setTimeout(() => this.handOver(), Math.max(0, due));
  }

  /**
   * Renews the token ahead of its expiry and moves the conversation to a new session opened with
   * it. A recovery under way (goAway, a drop) goes first: the renewal is tried again a moment later.
   * If the renewal fails, the current session goes on, and its expiry is recovered from as before.
   */
  async handOver() {
    if (this.stopping || !this.current) {
      return;
    }
    if (this.recovering) {
      this.renewTimer = setTimeout(() => this.handOver(), 1000);
      return;
    }
    const old = this.current;
    // A goAway or a drop of the old session from here on waits for this new session (recover()).
    this.handingOver = old;
    let fresh;
    let next;
    try {
      fresh = await this.fetchToken();
      next = await this.connect(null, fresh);
    } catch (e) {
      this.handingOver = null;
      if (old.recoverAfterHandover && !this.stopping) {
        this.recover(old, old.recoverAfterHandover);
      }
      return;
    }
    this.handingOver = null;
    if (this.stopping) {
      closeConn(next, 1000, 'stopped');
      return;
    }
    if (this.recovering || this.current !== old) {
      // A recovery took the conversation meanwhile: it has its own session, renew again soon.
      closeConn(next, 1000, 'superseded');
      this.renewTimer = setTimeout(() => this.handOver(), 1000);
      return;
    }
    this.adopt(fresh);
    this.handle = next.handle || null;
    this.current = next;
    // An old session still open answers what it was sent; one that dropped meanwhile cannot, so
    // what it did not confirm goes to the new one, before what was captured since.
    const lost = old.closed ? this.unacked.filter((p) => p.conn === old).map((p) => p.msg) : [];
    this.unacked = this.unacked.filter((p) => p.conn !== old);
    const waiting = lost.concat(this.buffered);
    this.buffered = [];
    waiting.forEach((msg) => this.sendTracked(next, msg));
    this.handovers++;
    if (this.events.onHandover) {
      this.events.onHandover(this.handovers);
    }
    this.closeWhenAnswered(old);
  }

  /** Closes a handed-over session once it has gone quiet, closed, or at most after HANDOVER_DRAIN_MS. */
  closeWhenAnswered(old) {
    const until = performance.now() + HANDOVER_DRAIN_MS;
    const check = () => {
      const now = performance.now();
      if (old.closed || this.stopping || now > until || now - old.lastMessageAt > QUIET_MS) {
        closeConn(old, 1000, 'handed over to a renewed token');
        return;
      }
      setTimeout(check, 100);
    };
    setTimeout(check, 100);
  }

  sendAudio(bytes) {
    this.send(JSON.stringify({
      realtimeInput: { audio: { mimeType: 'audio/pcm;rate=16000', data: bytesToBase64(bytes) } },
    }));
  }

  /** Tells the server the audio ended, so it flushes what it holds. */
  endAudio() {
    this.send(JSON.stringify({ realtimeInput: { audioStreamEnd: true } }));
  }

  /** Milliseconds since the server last sent anything. */
  idleMillis() {
    return performance.now() - this.lastMessageAt;
  }

  /** Closes cleanly (1000); never logs or throws. */
  stop() {
    this.stopping = true;
    clearTimeout(this.renewTimer);
    const c = this.current;
    this.current = null;
    if (c) {
      closeConn(c, 1000, 'done');
    }
  }

  send(msg) {
    const c = this.current;
    if (this.recovering || !c || c.ws.readyState !== WebSocket.OPEN) {
      if (!this.stopping) {
        this.buffered.push(msg);
        if (this.buffered.length > MAX_BUFFERED) {
          this.buffered.shift();
        }
      }
      return;
    }
    this.sendTracked(c, msg);
  }

  sendTracked(c, msg) {
    c.ws.send(msg);
    c.index++;
    this.unacked.push({ conn: c, index: c.index, msg });
    if (this.unacked.length > MAX_UNACKED) {
      this.unacked.shift();
    }
  }

  setupMessage(handle, t) {
    const generationConfig = { responseModalities: ['AUDIO'] };
    if (!t.locked && this.targetLanguageCode) {
      // An unlocked token lets the device choose; a locked one carries its own translationConfig.
      generationConfig.translationConfig = { targetLanguageCode: this.targetLanguageCode };
    }
    // transparent: updates then say which of our messages the handle's state includes
    const sessionResumption = handle ? { handle, transparent: true } : { transparent: true };
    return JSON.stringify({
      setup: {
        model: t.model,
        generationConfig,
        inputAudioTranscription: {},
        outputAudioTranscription: {},
        sessionResumption,
      },
    });
  }

  /** Opens one connection with {@code t} (the session's token unless given) and resolves with it once the server confirmed the setup. */
  connect(handle, t = this.token) {
    const sep = t.websocketUrl.includes('?') ? '&' : '?';
    // As Google's own browser SDK does: the token unencoded, slash included (docs/live-api-protocol.md §2).
    const ws = new WebSocket(`${t.websocketUrl}${sep}access_token=${t.value}`);
    ws.binaryType = 'arraybuffer';
    const c = {
      ws, index: -1, setupDone: false, goAwaySeen: false, closedByUs: false, inbox: Promise.resolve(),
      lastMessageAt: performance.now(),
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        closeConn(c, 1000, 'setup timeout');
        reject(new Error(`The Live API did not confirm the setup within ${CONNECT_TIMEOUT_MS / 1000} s.`));
      }, CONNECT_TIMEOUT_MS);
      c.ready = () => {
        clearTimeout(timer);
        resolve(c);
      };
      ws.onopen = () => {
        if (c.closedByUs) {
          ws.close(1000, 'stopped');
          return;
        }
        ws.send(this.setupMessage(handle, t));
        c.index++;
      };
      ws.onmessage = (ev) => {
        // Google sends JSON in binary frames (a Blob, or an ArrayBuffer with binaryType
        // 'arraybuffer'); the emulator can send text frames. Handle all three, in order.
        const kind = typeof ev.data === 'string' ? 'text' : 'binary';
        this.events.onFrame(kind);
        c.inbox = c.inbox
          .then(() => (typeof ev.data === 'string' ? ev.data
            : ev.data instanceof ArrayBuffer ? decoder.decode(ev.data) : ev.data.text()))
          .then((text) => this.onMessage(c, text))
          .catch((e) => this.fail(e));
      };
      ws.onerror = () => {
        // A close event with the code follows; it carries everything worth reporting.
      };
      ws.onclose = (ev) => {
        clearTimeout(timer);
        c.closed = true;
        c.inbox = c.inbox.then(() => {
          if (!c.setupDone) {
            reject(new LiveClose(ev.code, ev.reason));
          } else {
            this.onClosed(c, ev.code, ev.reason);
          }
        });
      };
    });
  }

  onMessage(c, text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch (e) {
      return;           // not ours to fix; the server closes if it matters
    }
    this.lastMessageAt = performance.now();
    c.lastMessageAt = this.lastMessageAt;
    if (m.setupComplete && !c.setupDone) {
      c.setupDone = true;
      c.ready();
    }
    const sc = m.serverContent;
    if (sc) {
      for (const part of (sc.modelTurn && sc.modelTurn.parts) || []) {
        const d = part.inlineData;
        if (d && d.data && (!d.mimeType || d.mimeType.startsWith('audio/pcm'))) {
          this.events.onAudio(base64ToBytes(d.data), rateOf(d.mimeType));
        }
      }
      this.transcript(sc.inputTranscription, 'source');
      this.transcript(sc.outputTranscription, 'translation');
    }
    const u = m.sessionResumptionUpdate;
    if (u && u.resumable && u.newHandle) {
      // Each connection keeps its own latest handle: a session opened for a hand-over may get one
      // before it becomes the current session, and adopting it then needs that handle.
      c.handle = u.newHandle;
      if (c === this.current || c === this.next || !this.current) {
        this.handle = u.newHandle;
      }
      if (u.lastConsumedClientMessageIndex !== undefined) {
        const k = Number(u.lastConsumedClientMessageIndex);
        this.unacked = this.unacked.filter((p) => p.conn !== c || p.index > k);
      }
    }
    if (m.goAway) {
      c.goAwaySeen = true;
      this.recover(c, 'goAway');
    }
    if (m.error) {
      // not documented for the Live API; handled defensively (docs/live-api-protocol.md §5)
      this.fail(new Error(`The Live API reported an error: ${m.error.message || 'no message'}`));
    }
  }

  transcript(t, side) {
    if (t && (t.text || t.finished)) {
      this.events.onTranscript(side, t.text || '', t.languageCode || '', !!t.finished);
    }
  }

  onClosed(c, code, reason) {
    if (c !== this.current || c.closedByUs || this.stopping) {
      return;           // an old connection after a resume, or our own close
    }
    if (c.goAwaySeen) {
      return;           // the resume is under way
    }
    if (recoverable(code, reason)) {
      this.recover(c, `closed ${code}`);
    } else {
      this.fail(new LiveClose(code, reason));
    }
  }

  /** Reconnects after goAway or a drop; gives up after a few attempts. */
  async recover(old, why) {
    if (this.recovering || this.stopping || old !== this.current) {
      return;
    }
    if (this.handingOver === old) {
      // A renewal ahead is under way: its new session is the recovery (handOver), unless it fails.
      old.recoverAfterHandover = why;
      return;
    }
    this.recovering = true;          // from here on, captured audio is buffered
    this.events.onState('resuming', why);
    // Give the old connection a moment to confirm chunks in flight, so they are not sent twice,
    // then close it: Google refuses to resume a session whose old socket is still open.
    const until = performance.now() + 500;
    while (performance.now() < until && !old.closed && this.unacked.some((p) => p.conn === old)) {
      await sleep(20);
    }
    closeConn(old, 1000, 'resuming');
    let last = null;
    for (let attempt = 1; attempt <= RECOVERY_ATTEMPTS && !this.stopping; attempt++) {
      try {
        const next = await this.reconnect();
        if (this.stopping) {
          closeConn(next, 1000, 'stopped');
          return;
        }
        const again = this.unacked.map((p) => p.msg);
        this.unacked = [];
        this.current = next;
        this.next = null;
        for (const msg of again.concat(this.buffered)) {
          this.sendTracked(next, msg);
        }
        this.buffered = [];
        this.recovering = false;
        this.resumptions++;
        this.events.onResumed(this.resumptions);
        this.events.onState('live');
        return;
      } catch (e) {
        last = e;
        this.next = null;
        // exponential backoff with jitter: 250 ms, 500 ms, 1 s, 2 s (± 25 %)
        await sleep(BACKOFF_MS * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
      }
    }
    this.recovering = false;
    if (!this.stopping) {
      this.fail(last || new Error('Could not reconnect to the Live API.'));
    }
  }

  /** Resumes with the same token when it can; otherwise a fresh token and a new session. */
  async reconnect() {
    const now = performance.now();
    if (this.handle && this.token.expiresAt - now > 1000) {
      try {
        return await this.connectAs(this.handle);
      } catch (e) {
        if (!(e instanceof LiveClose) || e.code !== 1008) {
          throw e;
        }
        // The handle or the token was refused: start over with a fresh token below.
      }
    }
    // A handle belongs to its token, and a new session with a one-use token needs a new token.
    await this.renewToken();
    this.handle = null;
    return this.connectAs(null);
  }

  async connectAs(handle) {
    const p = this.connect(handle);
    p.then((c) => { this.next = c; }, () => {});
    const c = await p;
    this.next = c;
    return c;
  }

  fail(e) {
    if (this.stopping) {
      return;
    }
    this.stop();
    this.events.onState('failed', e && e.message ? e.message : String(e));
  }
}

function closeConn(c, code, reason) {
  c.closedByUs = true;
  // Closing a socket that is still connecting makes the browser print its URL (with the token)
  // to the console; onopen closes it instead.
  if (c.ws.readyState === WebSocket.OPEN) {
    c.ws.close(code, reason);
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
