// The demo page: sign in, pick a language, talk (or play the sample), hear the translation.
// Everything secret (the JWT, the ephemeral token) lives in variables of this module only: never
// in the console, the address bar, page storage or the DOM.

import { AudioEngine } from './audio.js';
import { LiveSession } from './live-session.js';

const $ = (id) => document.getElementById(id);
const ui = {
  devForm: $('dev-form'), devUser: $('dev-user'), jwtForm: $('jwt-form'), jwtInput: $('jwt'), who: $('who'),
  target: $('target'), talk: $('talk-btn'), sample: $('sample-btn'), stop: $('stop-btn'),
  stateText: $('state-text'), countdown: $('countdown'), resumptions: $('resumptions'), played: $('played'),
  message: $('message'), sourceLines: $('source-lines'), translationLines: $('translation-lines'),
};
const params = new URLSearchParams(location.search);

let jwt = null;
let run = null;          // { session, audio, timer } while a session is on

// ---- state and messages ---------------------------------------------------------------------

function setState(state, message) {
  document.body.dataset.state = state;
  ui.stateText.textContent = state;
  const busy = state === 'connecting' || state === 'live' || state === 'resuming';
  ui.talk.disabled = busy || !jwt || !ui.target.value;
  ui.sample.disabled = ui.talk.disabled;
  ui.stop.disabled = !busy;
  ui.target.disabled = busy || !jwt;
  if (message) {
    show(message, state === 'failed' ? 'error' : 'info');
  }
}

function show(text, kind = 'error') {
  ui.message.textContent = text;
  ui.message.className = kind === 'error' ? 'message' : 'message info';
  ui.message.hidden = !text;
}

/** A problem+json answer of the service as one readable sentence. */
async function problemText(res, what) {
  let p = null;
  try {
    p = await res.json();
  } catch (e) {
    // not a problem document
  }
  if (!p || !p.title) {
    return `${what} failed: HTTP ${res.status}.`;
  }
  let text = `${what} failed: ${p.title}. ${p.detail || ''}`.trim();
  if (p.suggestions && p.suggestions.length) {
    text += ` Try: ${p.suggestions.join(', ')}.`;
  }
  const retry = res.headers.get('Retry-After');
  if (retry) {
    text += ` Retry in ${retry} s.`;
  }
  if (res.status === 401) {
    text += ' Sign in again.';
  }
  if (p.requestId) {
    text += ` (request ${p.requestId})`;
  }
  return text;
}

async function api(path, what, init = {}) {
  const headers = { Accept: 'application/json', ...(init.headers || {}) };
  if (jwt) {
    headers.Authorization = `Bearer ${jwt}`;
  }
  let res;
  try {
    res = await fetch(path, { ...init, headers, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new Error(`${what} failed: the service is unreachable.`);
  }
  if (!res.ok) {
    throw new Error(await problemText(res, what));
  }
  return res.json();
}

// ---- sign in and languages -------------------------------------------------------------------

async function signInAsDevUser(user) {
  const at = user.lastIndexOf('@');
  if (at <= 0 || at === user.length - 1) {
    throw new Error('Enter the dev user as subject@tenant, e.g. alice@acme.');
  }
  const body = JSON.stringify({ subject: user.slice(0, at), tenant: user.slice(at + 1) });
  const answer = await api('/dev/v1/jwt', 'Dev sign-in', {
    method: 'POST', body, headers: { 'Content-Type': 'application/json' },
  });
  await useJwt(answer.jwt, `Signed in as ${user} (dev JWT).`);
}

async function useJwt(value, who) {
  jwt = value.trim();
  try {
    const list = await api('/v1/languages', 'Loading the languages');
    ui.target.replaceChildren(...list.languages.map((l) => {
      const o = document.createElement('option');
      o.value = l.code;
      o.textContent = `${l.name} (${l.code})`;
      return o;
    }));
    const wanted = params.get('target') || list.defaultTargetLanguageCode;
    if (list.languages.some((l) => l.code === wanted)) {
      ui.target.value = wanted;
    }
    ui.who.textContent = `${who} ${list.languages.length} languages, lock mode ${list.lockMode}.`;
    show('');
    setState(document.body.dataset.state);
  } catch (e) {
    jwt = null;
    throw e;
  }
}

// ---- a session ---------------------------------------------------------------------------------

function addTranscript(side, text, lang) {
  if (!text) {
    return;
  }
  const list = side === 'source' ? ui.sourceLines : ui.translationLines;
  const li = document.createElement('li');
  li.dataset.transcript = side;
  li.dataset.lang = lang || 'und';
  li.textContent = text;
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

function formatSeconds(s) {
  const t = Math.max(0, Math.floor(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

async function start(source) {
  if (run || !jwt) {
    return;
  }
  if (!window.isSecureContext || !window.AudioWorkletNode) {
    setState('failed', 'This browser cannot capture audio here: the microphone and AudioWorklet need a secure '
      + 'page (https, or http://localhost) and a current browser.');
    return;
  }
  show('');
  ui.sourceLines.replaceChildren();
  ui.translationLines.replaceChildren();
  document.body.dataset.playedBytes = '0';
  document.body.dataset.resumptions = '0';
  document.body.dataset.tokens = '0';
  document.body.dataset.renewals = '0';
  document.body.dataset.handovers = '0';
  ui.resumptions.textContent = '0';
  setState('connecting');
  const target = ui.target.value;
  const audio = new AudioEngine();
  const session = new LiveSession(
    () => api('/v1/tokens', 'Getting a token', {
      method: 'POST', body: JSON.stringify({ targetLanguageCode: target }),
      headers: { 'Content-Type': 'application/json' },
    }),
    {
      onAudio: (bytes, rate) => {
        audio.play(bytes, rate);
        document.body.dataset.playedBytes = String(audio.playedBytes);
        ui.played.textContent = `${(audio.playedBytes / 2 / 24000).toFixed(1)} s`;
      },
      onTranscript: (side, text, lang) => addTranscript(side, text, lang),
      onToken: (info, answer) => {
        document.body.dataset.tokens = String(Number(document.body.dataset.tokens || 0) + 1);
        if (answer.renewedFrom !== undefined) {
          document.body.dataset.renewals = String(Number(document.body.dataset.renewals || 0) + 1);
        }
      },
      onHandover: (n) => {
        document.body.dataset.handovers = String(n);
      },
      onFrame: (kind) => {
        const key = kind === 'text' ? 'framesText' : 'framesBinary';
        document.body.dataset[key] = String(Number(document.body.dataset[key]) + 1);
      },
      onResumed: (n) => {
        document.body.dataset.resumptions = String(n);
        ui.resumptions.textContent = String(n);
      },
      onState: (state, message) => {
        if (state === 'failed') {
          finish('failed', message);
        } else if (run) {
          setState(state);
        }
      },
    },
    // Renewed ahead of expiry: the same constraints, the service's admission again (docs/sessions.md).
    (token) => api('/v1/tokens/renew', 'Renewing the token', {
      method: 'POST', body: JSON.stringify({ token }),
      headers: { 'Content-Type': 'application/json' },
    }),
  );
  session.targetLanguageCode = target;
  const timer = setInterval(() => {
    ui.countdown.textContent = session.token ? formatSeconds(session.tokenSecondsLeft()) : '–';
  }, 250);
  run = { session, audio, timer };
  const runOfThisStart = run;
  try {
    await audio.start((chunk) => session.sendAudio(chunk));
    if (source === 'mic') {
      // Ask for the microphone before spending a token; speech while connecting is kept and sent.
      await audio.useMicrophone();
    }
    await session.open();
    if (run !== runOfThisStart) {
      return;           // stopped while connecting
    }
    if (source === 'sample') {
      const played = await audio.useSample('hello-en.wav');
      if (played && run === runOfThisStart) {
        session.endAudio();
        await drain(session, audio);
        if (run === runOfThisStart) {
          finish('closed', 'The sample was translated. Press Talk to use your microphone.');
        }
      }
    }
  } catch (e) {
    if (run !== runOfThisStart) {
      return;           // stopped (or already failed) meanwhile
    }
    finish('failed', e && e.name === 'NotAllowedError'
      ? 'The browser did not allow the microphone. Allow it for this page, or use Play sample.'
      : (e && e.message) || String(e));
  }
}

/** Waits until the server has been quiet for 1.5 s (Live Translate may never say it is done). */
async function drain(session, audio) {
  const until = performance.now() + 15000;
  while (run && performance.now() < until && session.idleMillis() < 1500) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const playingFor = audio.nextPlayTime - audio.ctx.currentTime;
  if (run && playingFor > 0) {
    await new Promise((r) => setTimeout(r, Math.min(playingFor, 10) * 1000));
  }
}

function finish(state, message) {
  const r = run;
  run = null;
  if (r) {
    clearInterval(r.timer);
    ui.countdown.textContent = '–';
    r.session.stop();
    r.audio.close().catch(() => {});
  }
  setState(state, message);
}

// ---- wiring --------------------------------------------------------------------------------------

function guarded(fn) {
  return (ev) => {
    if (ev) {
      ev.preventDefault();
    }
    fn().catch((e) => show((e && e.message) || String(e)));
  };
}

ui.devForm.addEventListener('submit', guarded(() => signInAsDevUser(ui.devUser.value.trim())));
ui.jwtForm.addEventListener('submit', guarded(async () => {
  const value = ui.jwtInput.value;
  ui.jwtInput.value = '';
  await useJwt(value, 'Signed in with your JWT.');
}));
ui.talk.addEventListener('click', guarded(() => start('mic')));
ui.sample.addEventListener('click', guarded(() => start('sample')));
ui.stop.addEventListener('click', guarded(async () => finish('closed', 'Stopped.')));
ui.target.addEventListener('change', () => setState(document.body.dataset.state));

async function init() {
  const config = await api('config.json', 'Loading the page settings');
  ui.devForm.hidden = !config.devSignIn;
  ui.jwtForm.hidden = false;
  setState('idle');
  const user = params.get('user');
  if (user && config.devSignIn) {
    ui.devUser.value = user;
    await signInAsDevUser(user);
  }
  if (params.get('autostart') === '1' && jwt) {
    await start(params.get('source') === 'sample' ? 'sample' : 'mic');
  }
}

init().catch((e) => {
  setState('failed', (e && e.message) || String(e));
});
