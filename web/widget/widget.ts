/**
 * `<script src="https://voki.example/widget.js" data-link="TOKEN" async></script>` on a company's
 * own page: one floating button in the company's colour that opens the call page in an overlay
 * (or a popup with `data-mode="popup"`). Everything lives in a shadow root and is styled
 * through the CSSOM, so the host page's CSS, CSP and layout are left as they were.
 */
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const token = script?.dataset.link;
  if (!script || !token) {
    console.warn('voki widget: the script tag needs data-link="<access link token>"');
    return;
  }
  const origin = new URL(script.src, location.href).origin;
  const callUrl = `${origin}/call/${encodeURIComponent(token)}`;
  const pt = (navigator.language || '').toLowerCase().startsWith('pt');
  const label = script.dataset.label || (pt ? 'Atendimento por vídeo' : 'Video call');
  const closeLabel = pt ? 'Fechar' : 'Close';

  const css = (el: HTMLElement, styles: Partial<CSSStyleDeclaration>) => Object.assign(el.style, styles);
  const host = document.createElement('div');
  host.setAttribute('data-voki-widget', '');
  const root = host.attachShadow({ mode: 'open' });

  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = `📹 ${label}`;
  button.setAttribute('aria-haspopup', 'dialog');
  button.dataset.testid = 'voki-widget-button';
  css(button, {
    position: 'fixed', right: '20px', bottom: '20px', zIndex: '2147483646', padding: '12px 18px', border: '0',
    borderRadius: '999px', background: '#6366f1', color: '#fff', font: '600 15px system-ui, sans-serif',
    boxShadow: '0 6px 20px rgba(0,0,0,.25)', cursor: 'pointer',
  });
  root.appendChild(button);

  let overlay: HTMLDivElement | undefined;
  const close = () => {
    overlay?.remove();
    overlay = undefined;
    button.focus();
  };
  const open = () => {
    if (script.dataset.mode === 'popup') {
      window.open(callUrl, 'voki-call', 'popup,width=480,height=760');
      return;
    }
    if (overlay) return;
    overlay = document.createElement('div');
    overlay.setAttribute('role', 'dialog');
    overlay.setAttribute('aria-label', label);
    css(overlay, { position: 'fixed', inset: '0', zIndex: '2147483647', background: 'rgba(15,23,42,.55)', display: 'flex', alignItems: 'center', justifyContent: 'center' });
    const small = window.innerWidth < 560;
    const frame = document.createElement('iframe');
    frame.src = callUrl;
    frame.title = label;
    frame.allow = 'camera; microphone; autoplay';
    css(frame, { width: small ? '100%' : '480px', height: small ? '100%' : 'min(760px, 92vh)', border: '0', borderRadius: small ? '0' : '14px', background: '#fff' });
    const shut = document.createElement('button');
    shut.type = 'button';
    shut.textContent = '×';
    shut.setAttribute('aria-label', closeLabel);
    css(shut, { position: 'absolute', top: '10px', right: '10px', width: '40px', height: '40px', borderRadius: '50%', border: '0', background: '#fff', font: '24px system-ui', cursor: 'pointer' });
    shut.addEventListener('click', close);
    overlay.addEventListener('keydown', (e) => e.key === 'Escape' && close());
    overlay.append(frame, shut);
    root.appendChild(overlay);
    frame.focus();
  };
  button.addEventListener('click', open);

  const mount = () => document.body.appendChild(host);
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);

  // The company's colour; the default stays if the API is not open to this site (CORS_ORIGINS).
  fetch(`${origin}/api/v1/call/${encodeURIComponent(token)}/validate`)
    .then((r) => (r.ok ? r.json() : undefined))
    .then((body) => {
      const color = body?.data?.primary_color;
      if (typeof color === 'string' && /^#[0-9a-f]{3,8}$/i.test(color)) button.style.background = color;
    })
    .catch(() => undefined);
})();
