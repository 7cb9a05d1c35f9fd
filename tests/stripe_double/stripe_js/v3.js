// A stand-in for the part of Stripe.js (https://js.stripe.com/v3/) that Quittance's payment page
// uses, served by the Stripe double at /v3/. Like Stripe.js, it keeps the card fields in an
// iframe of its own origin (/v3/elements-frame.html), talks to that frame by postMessage with
// origin checks both ways, and calls the API (/v1/ on the same origin as this script) from the
// page with the publishable key. The card number never leaves the frame: the frame turns it
// into one of Stripe's test tokens (pm_card_visa, ...), as Stripe's frames turn it into a
// PaymentMethod. What it implements: README.md, "The Stripe.js stand-in".
(function () {
  'use strict';

  // Where this script came from: the double, which serves the card frame and the API, as
  // js.stripe.com and api.stripe.com do. document.currentScript is only set while the script
  // first runs, so it is read here.
  const ORIGIN = new URL(
    (document.currentScript || document.querySelector('script[src*="/v3"]')).src,
    location.href).origin;
  const FRAME_URL = ORIGIN + '/v3/elements-frame.html';
  const FRAME_TIMEOUT_MS = 10000;
  const PAYMENT_EVENTS = ['change', 'ready', 'focus', 'blur', 'escape', 'loaderror', 'loaderstart'];

  // Stripe.js throws IntegrationError for a mistake of the page's code (not of the patient).
  class IntegrationError extends Error {
    constructor(message) {
      super(message);
      this.name = 'IntegrationError';
    }
  }

  // `confirmParams`: what the stand-in passes on to the API; anything else is refused.
  const INTENTS = {
    payment: { path: 'payment_intents', key: 'paymentIntent', errorKey: 'payment_intent',
      confirmParams: ['return_url', 'receipt_email'] },
    setup: { path: 'setup_intents', key: 'setupIntent', errorKey: 'setup_intent',
      confirmParams: ['return_url'] },
  };

  // The intent a client secret belongs to: its id is the part before `_secret_`.
  function parseSecret(secret, kind, where) {
    const match = typeof secret === 'string' && /^((pi|seti)_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(secret);
    if (!match) {
      throw new IntegrationError(`Invalid value for ${where}: clientSecret should be a client secret of the form \${id}_secret_\${secret}.`);
    }
    const found = match[2] === 'pi' ? 'payment' : 'setup';
    if (kind && found !== kind) {
      throw new IntegrationError(kind === 'payment'
        ? `${where}: this is a SetupIntent's client secret; use stripe.confirmSetup.`
        : `${where}: this is a PaymentIntent's client secret; use stripe.confirmPayment.`);
    }
    return { id: match[1], kind: found };
  }

  // ---- messages the patient reads (Stripe.js gives them in the page's locale: French) ----

  const AUTHENTICATION_MESSAGE = "Votre banque demande de confirmer ce paiement, ce qui n'a pas pu être fait. " +
    'Veuillez réessayer ou utiliser une autre carte.';
  const BY_DECLINE_CODE = {
    insufficient_funds: 'Les fonds sont insuffisants.',
    generic_decline: 'Votre carte a été refusée.',
    authentication_required: AUTHENTICATION_MESSAGE,
  };
  const BY_CODE = {
    card_declined: 'Votre carte a été refusée.',
    authentication_required: AUTHENTICATION_MESSAGE,
    expired_card: 'Votre carte a expiré.',
    incorrect_cvc: 'Le code de sécurité de votre carte est incorrect.',
    processing_error: 'Une erreur est survenue lors du traitement de votre carte. Veuillez réessayer.',
    payment_intent_unexpected_state: 'Ce paiement ne peut plus être confirmé. Rechargez la page pour voir où il en est.',
    setup_intent_unexpected_state: 'Cet enregistrement de carte ne peut plus être confirmé. Rechargez la page pour voir où il en est.',
    resource_missing: 'Ce paiement est introuvable. Rechargez la page.',
  };
  const CONNECTION_MESSAGE = 'La connexion au service de paiement a échoué. Vérifiez votre connexion internet et réessayez.';
  const GENERIC_MESSAGE = "Le paiement n'a pas pu être effectué. Veuillez réessayer.";

  // Stripe's error object as the API gave it, with the message in French.
  function apiError(answer) {
    if (answer.status === 0) return { type: 'api_connection_error', message: CONNECTION_MESSAGE };
    const error = Object.assign({}, answer.json && answer.json.error);
    if (!error.type) error.type = 'api_error';
    error.message = BY_DECLINE_CODE[error.decline_code] || BY_CODE[error.code] || GENERIC_MESSAGE;
    return error;
  }

  // The double has no 3-D Secure: an intent that asks for it ends the attempt, as a patient
  // who failed the bank's check would see it.
  function authenticationError(meta, intent) {
    return { type: 'card_error', code: 'authentication_required', message: AUTHENTICATION_MESSAGE,
      [meta.errorKey]: intent };
  }

  // ---- the API, from the page's origin, with the publishable key ----

  // `stripeAccount`: a platform's page paying a connected account's intent (a direct charge)
  // acts in that account, as Stripe.js does with the Stripe-Account header.
  function makeApi(key, apiVersion, stripeAccount) {
    return async function call(method, path, params) {
      const headers = { Authorization: 'Bearer ' + key };
      if (apiVersion) headers['Stripe-Version'] = apiVersion;
      if (stripeAccount) headers['Stripe-Account'] = stripeAccount;
      const form = new URLSearchParams(params).toString();
      let url = ORIGIN + '/v1/' + path;
      const init = { method, headers, credentials: 'omit', cache: 'no-store' };
      if (method === 'GET') {
        url += '?' + form;
      } else {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        init.body = form;
      }
      let response;
      try {
        response = await fetch(url, init);
      } catch {
        return { status: 0, json: null };  // no answer at all: the network
      }
      let json = null;
      try {
        json = await response.json();
      } catch {
        // not JSON: treated as an API error below
      }
      return { status: response.status, json };
    };
  }

  // ---- the Payment Element: an iframe of the double's origin holding the card fields ----

  const internals = new WeakMap();  // public object -> its private state

  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function createPaymentElement(group) {
    const state = {
      group, iframe: null, channel: null, destroyed: false, handlers: new Map(),
      pending: new Map(), ready: null, markReady: null, onMessage: null,
    };
    const element = {
      mount(target) {
        if (state.destroyed) throw new IntegrationError('This Element has been destroyed; create a new one.');
        if (state.iframe) throw new IntegrationError('This Element is already mounted. Call unmount() first.');
        const node = typeof target === 'string' ? document.querySelector(target) : target;
        if (!(node instanceof Element)) {
          throw new IntegrationError(`The selector you specified (${target}) applies to no DOM elements that are currently on the page.`);
        }
        mountFrame(state, node);
      },
      unmount() {
        unmountFrame(state);
      },
      destroy() {
        unmountFrame(state);
        state.destroyed = true;
        if (group.element === element) group.element = null;
      },
      on(type, handler) {
        if (!PAYMENT_EVENTS.includes(type)) throw new IntegrationError(`Unknown event type for the payment Element: ${type}.`);
        if (typeof handler !== 'function') throw new IntegrationError('on(): the handler must be a function.');
        if (!state.handlers.has(type)) state.handlers.set(type, []);
        state.handlers.get(type).push(handler);
        return element;
      },
      off(type, handler) {
        const list = state.handlers.get(type) || [];
        state.handlers.set(type, handler ? list.filter((h) => h !== handler) : []);
        return element;
      },
      focus() {
        post(state, { type: 'focus' });
      },
      clear() {
        post(state, { type: 'clear' });
      },
    };
    internals.set(element, state);
    return element;
  }

  function mountFrame(state, node) {
    state.channel = randomId();
    state.ready = new Promise((resolve) => { state.markReady = resolve; });
    const iframe = document.createElement('iframe');
    // The frame learns who embeds it from its URL, to answer that origin only.
    const params = new URLSearchParams({ origin: location.origin, channel: state.channel,
      locale: state.group.locale });
    iframe.src = FRAME_URL + '#' + params.toString();
    iframe.title = 'Formulaire de paiement sécurisé';
    iframe.setAttribute('frameborder', '0');
    iframe.setAttribute('scrolling', 'no');
    iframe.setAttribute('allowtransparency', 'true');
    // Properties, not a style attribute: the page's CSP may forbid inline styles.
    Object.assign(iframe.style, { border: '0', display: 'block', width: '100%', height: '200px',
      colorScheme: 'normal', overflow: 'hidden' });
    state.onMessage = (event) => onFrameMessage(state, event);
    window.addEventListener('message', state.onMessage);
    state.iframe = iframe;
    node.appendChild(iframe);
    emit(state, 'loaderstart', { elementType: 'payment' });
  }

  function unmountFrame(state) {
    if (!state.iframe) return;
    window.removeEventListener('message', state.onMessage);
    state.iframe.remove();
    state.iframe = null;
    for (const { reject, timer } of state.pending.values()) {
      clearTimeout(timer);
      reject(new IntegrationError('The payment Element was unmounted before it answered.'));
    }
    state.pending.clear();
  }

  // Only the frame this element made, from the double's origin, on this element's channel.
  function onFrameMessage(state, event) {
    if (event.origin !== ORIGIN || !state.iframe || event.source !== state.iframe.contentWindow) return;
    const data = event.data;
    if (!data || typeof data !== 'object' || data.channel !== state.channel) return;
    if (data.type === 'ready') {
      post(state, { type: 'appearance', variables: (state.group.appearance || {}).variables || {} });
      state.markReady();
      emit(state, 'ready', { elementType: 'payment' });
    } else if (data.type === 'resize' && Number.isFinite(data.height)) {
      state.iframe.style.height = Math.max(0, Math.ceil(data.height)) + 'px';
    } else if (data.type === 'change') {
      emit(state, 'change', { elementType: 'payment', empty: !!data.empty, complete: !!data.complete,
        collapsed: false, value: { type: 'card' } });
    } else if (data.type === 'focus' || data.type === 'blur' || data.type === 'escape') {
      emit(state, data.type, { elementType: 'payment' });
    } else if (data.type === 'reply' && state.pending.has(data.id)) {
      const { resolve, timer } = state.pending.get(data.id);
      clearTimeout(timer);
      state.pending.delete(data.id);
      resolve(data.result);
    }
  }

  function post(state, message) {
    if (state.iframe && state.iframe.contentWindow) {
      state.iframe.contentWindow.postMessage(Object.assign({ channel: state.channel }, message), ORIGIN);
    }
  }

  function emit(state, type, event) {
    for (const handler of state.handlers.get(type) || []) {
      try {
        handler(event);
      } catch (error) {
        setTimeout(() => { throw error; });  // the page's bug, reported without breaking ours
      }
    }
  }

  // Asks the frame (once it is loaded) and resolves with its reply. The timer runs from now,
  // so a frame that never loads fails the call instead of leaving it pending for ever.
  function ask(state, type) {
    if (!state.iframe) return Promise.reject(new IntegrationError('Mount the payment Element before confirming or submitting.'));
    return new Promise((resolve, reject) => {
      const id = randomId();
      const timer = setTimeout(() => {
        state.pending.delete(id);
        reject(new IntegrationError('The payment Element did not answer (did its frame load?).'));
      }, FRAME_TIMEOUT_MS);
      state.pending.set(id, { resolve, reject, timer });
      state.ready.then(() => post(state, { type, id }));
    });
  }

  function mountedElement(group, where) {
    const element = group.element;
    if (!element) throw new IntegrationError(`${where}: create and mount a payment Element first.`);
    return internals.get(element);
  }

  // ---- Elements ----

  function createElements(options, stripeLocale) {
    const { clientSecret, locale, appearance } = options || {};
    if (clientSecret === undefined) {
      throw new IntegrationError('elements(): the stand-in needs clientSecret (it has no deferred-intent mode).');
    }
    parseSecret(clientSecret, null, 'elements()');
    const group = { clientSecret, locale: locale || stripeLocale || 'fr', appearance: appearance || {}, element: null };
    const elements = {
      create(type, elementOptions) {
        if (type !== 'payment') throw new IntegrationError(`The stand-in only knows the payment Element, not ${type}.`);
        if (group.element) throw new IntegrationError('Can only create one Element of type payment.');
        void elementOptions;  // layout, fields, ...: the stand-in has one layout
        group.element = createPaymentElement(group);
        return group.element;
      },
      getElement(type) {
        return type === 'payment' ? group.element : null;
      },
      // Checks the fields (and shows what is wrong in the frame): {} or {error}.
      async submit() {
        const result = await ask(mountedElement(group, 'elements.submit()'), 'validate');
        return result.error ? { error: result.error } : {};
      },
    };
    internals.set(elements, group);
    return elements;
  }

  // ---- Stripe() ----

  function Stripe(key, options) {
    if (typeof key !== 'string' || key === '') throw new IntegrationError('Invalid value for Stripe(): apiKey should be a string.');
    if (/^(sk|rk)_/.test(key)) {
      throw new IntegrationError('You should not use your secret key with Stripe.js. Please pass a publishable key instead.');
    }
    const settings = options || {};
    if (settings.stripeAccount !== undefined &&
        (typeof settings.stripeAccount !== 'string' || !/^acct_[A-Za-z0-9]+$/.test(settings.stripeAccount))) {
      throw new IntegrationError('Invalid value for Stripe(): stripeAccount should be a connected account id (acct_...).');
    }
    const api = makeApi(key, settings.apiVersion, settings.stripeAccount);

    async function confirm(kind, params) {
      const meta = INTENTS[kind];
      const where = kind === 'payment' ? 'stripe.confirmPayment()' : 'stripe.confirmSetup()';
      const { elements, redirect, confirmParams } = params || {};
      const group = elements && internals.get(elements);
      if (!group) throw new IntegrationError(`${where}: elements should be the Elements the payment Element came from.`);
      if (redirect !== 'if_required') {
        throw new IntegrationError(`${where}: the stand-in supports redirect: 'if_required' only (cards never redirect).`);
      }
      const extra = confirmParams || {};
      for (const name of Object.keys(extra)) {
        if (!meta.confirmParams.includes(name)) throw new IntegrationError(`${where}: the stand-in does not know confirmParams.${name}.`);
      }
      const { id } = parseSecret(group.clientSecret, kind, where);
      const card = await ask(mountedElement(group, where), 'collect');
      if (card.error) return { error: card.error };  // told in the frame too; nothing was sent
      const body = { payment_method: card.token, client_secret: group.clientSecret };
      for (const name of meta.confirmParams) {
        if (extra[name]) body[name] = extra[name];
      }
      return outcome(meta, await api('POST', `${meta.path}/${id}/confirm`, body));
    }

    function outcome(meta, answer) {
      if (answer.status !== 200 || !answer.json) return { error: apiError(answer) };
      const intent = answer.json;
      if (intent.status === 'requires_action') return { error: authenticationError(meta, intent) };
      return { [meta.key]: intent };
    }

    async function retrieve(kind, clientSecret) {
      const meta = INTENTS[kind];
      const { id } = parseSecret(clientSecret, kind, kind === 'payment' ? 'retrievePaymentIntent' : 'retrieveSetupIntent');
      const answer = await api('GET', `${meta.path}/${id}`, { client_secret: clientSecret });
      return answer.status === 200 && answer.json ? { [meta.key]: answer.json } : { error: apiError(answer) };
    }

    return {
      elements: (elementsOptions) => createElements(elementsOptions, settings.locale),
      confirmPayment: (params) => confirm('payment', params),
      confirmSetup: (params) => confirm('setup', params),
      retrievePaymentIntent: (clientSecret) => retrieve('payment', clientSecret),
      retrieveSetupIntent: (clientSecret) => retrieve('setup', clientSecret),
    };
  }

  window.Stripe = Stripe;
})();
