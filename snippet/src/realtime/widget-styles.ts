/**
 * The widget's stylesheet, scoped to its shadow root. `:host` rules are `!important` because, for
 * the host element itself, the page's rules beat normal `:host` ones; `all: initial` stops the
 * page's inherited fonts and colours at the boundary (custom properties still inherit: they are
 * the theming interface).
 *
 * Theme from the page, on `:root` or on `floorwalker-widget`:
 * `--fw-accent` (buttons, focus ring; default #1f5fd6), `--fw-accent-text` (#fff),
 * `--fw-radius` (14px), `--fw-font` (the system UI font), `--fw-background` (#fff),
 * `--fw-text` (#1b1f24), `--fw-muted` (#59616c).
 */
export const WIDGET_CSS = `
:host{all:initial!important;display:block!important;position:fixed!important;inset:0!important;z-index:2147483600!important;pointer-events:none!important;
--a:var(--fw-accent,#1f5fd6);--at:var(--fw-accent-text,#fff);--r:var(--fw-radius,14px);--bg:var(--fw-background,#fff);--fg:var(--fw-text,#1b1f24);--mu:var(--fw-muted,#59616c)}
*{box-sizing:border-box;margin:0}
.p{position:absolute;pointer-events:auto;font:15px/1.45 var(--fw-font,system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif);color:var(--fg);background:var(--bg);border-radius:var(--r);box-shadow:0 10px 32px rgba(0,0,0,.2),0 0 0 1px rgba(0,0,0,.07);width:340px;max-width:calc(100vw - 24px);padding:16px;text-align:left}
.br{right:16px;bottom:16px}.tr,.re{right:16px;top:16px}.bl{left:16px;bottom:16px}
.bs,.ts{left:8px;right:8px;width:auto;max-width:none}.bs{bottom:calc(8px + env(safe-area-inset-bottom,0px))}.ts{top:calc(8px + env(safe-area-inset-top,0px))}
.hd{display:flex;align-items:center;gap:10px;margin-bottom:10px}.hd>div{flex:1;min-width:0}
.av{flex:none;width:40px;height:40px;border-radius:50%;background:var(--a);color:var(--at);display:flex;align-items:center;justify-content:center;font-weight:600;font-size:17px;overflow:hidden}
.av img{width:100%;height:100%;object-fit:cover}
.nm{font-weight:600}.st{color:var(--mu);font-size:13px}
.msg{white-space:pre-wrap;overflow-wrap:anywhere;margin-bottom:14px}
.act{display:flex;gap:8px;flex-wrap:wrap}
button,textarea{font:inherit;color:inherit}
button{cursor:pointer;border:0;border-radius:calc(var(--r) - 4px);padding:10px 16px;min-height:44px;background:none}
.pri{background:var(--a);color:var(--at);font-weight:600}
.sec{box-shadow:inset 0 0 0 1px rgba(0,0,0,.2)}
.x{min-width:44px;padding:0;font-size:22px;line-height:1;color:var(--mu)}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
.bub{width:60px;height:60px;padding:0;border-radius:50%;display:flex;align-items:center;justify-content:center;background:var(--a)}
.bub .av{width:52px;height:52px}
.dot{position:absolute;top:2px;right:2px;width:14px;height:14px;border-radius:50%;background:#e5484d;box-shadow:0 0 0 2px var(--bg)}
.chat{display:flex;flex-direction:column;max-height:min(480px,calc(100vh - 32px))}
.log{flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:8px;padding:4px 0 12px;min-height:60px}
.b{max-width:85%;padding:8px 12px;border-radius:var(--r);white-space:pre-wrap;overflow-wrap:anywhere}
.them{align-self:flex-start;background:rgba(0,0,0,.06)}.me{align-self:flex-end;background:var(--a);color:var(--at)}
.note{display:block;font-size:12px;opacity:.85;margin-top:2px}
.in{display:flex;gap:8px;align-items:flex-end}
textarea{flex:1;resize:none;border:1px solid rgba(0,0,0,.25);border-radius:calc(var(--r) - 4px);padding:9px 10px;background:var(--bg);min-height:44px;max-height:120px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.sp{display:inline-block;width:9px;height:9px;margin-right:6px;border-radius:50%;border:2px solid var(--a);border-right-color:transparent}
@media (prefers-reduced-motion:no-preference){.p{animation:fw-in .22s ease-out}.sp{animation:fw-spin 1s linear infinite}}
@keyframes fw-in{from{opacity:0;transform:translateY(10px)}}
@keyframes fw-spin{to{transform:rotate(360deg)}}
`;
