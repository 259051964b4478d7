import type { messages } from './messages.js';
import { styles } from './terminal.js';

/** The start-up facts of `wxshop serve`: its address, its storage and the apps it serves. */
export interface StartInfo {
  url: string;
  storage: string;
  apps: { appid: string; secret: string }[];
}

/** Builds the start-up text of `wxshop serve`, coloured when `colour` is true. */
export function formatBanner(info: StartInfo, text: ReturnType<typeof messages>, colour: boolean): string {
  const style = styles(colour);
  const lines = [style.green(style.bold(text.started(info.url))), text.storage(info.storage), text.appsHeader];
  for (const app of info.apps) lines.push(`  ${app.appid} / ${app.secret}`);
  if (info.apps[0]) lines.push(text.tokenHint(info.url, info.apps[0].appid, info.apps[0].secret));
  lines.push(style.cyan(text.consoleHint(info.url)));
  lines.push(style.cyan(text.adminHint(info.url)));
  return `${lines.join('\n')}\n`;
}

/** Builds the start-up report of `wxshop serve --json`: one JSON line. */
export function bannerJson(info: StartInfo): string {
  return `${JSON.stringify({
    url: info.url,
    storage: info.storage,
    apps: info.apps.map((app) => ({ appid: app.appid, secret: app.secret })),
    console: `${info.url}/_sandbox/console/`,
    admin: `${info.url}/_sandbox/v1`,
  })}\n`;
}
