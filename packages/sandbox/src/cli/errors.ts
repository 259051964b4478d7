import { parseArgs } from 'node:util';
import { describeInChinese, ERROR_CODES, explain, type ErrorCodeEntry, type ErrorFamily, type ErrorModule, type RetryAdvice } from '@wxshop/api';
import { argumentErrorMessage, type Language } from './messages.js';
import { colourOn, styles, type Output } from './terminal.js';

export type { Output };

const MODULES: Record<ErrorModule, { zh: string; en: string }> = {
  generic: { zh: '通用', en: 'generic' },
  component: { zh: '第三方平台', en: 'third-party platform' },
  product: { zh: '商品', en: 'product' },
  order: { zh: '订单', en: 'order' },
  delivery: { zh: '物流', en: 'delivery' },
  aftersale: { zh: '售后', en: 'aftersale' },
  access: { zh: '接入', en: 'access' },
  audit: { zh: '审核', en: 'audit' },
  image: { zh: '图片', en: 'image' },
  coupon: { zh: '优惠券', en: 'coupon' },
  sharer: { zh: '分享员', en: 'sharer' },
  scene: { zh: '场景', en: 'scene' },
};

const FAMILIES: Record<ErrorFamily, { zh: string; en: string }> = {
  credential: { zh: '凭证', en: 'credential' },
  quota: { zh: '额度与频率', en: 'quota' },
  validation: { zh: '参数校验', en: 'validation' },
  state: { zh: '状态', en: 'state' },
  not_found: { zh: '不存在', en: 'not found' },
  system: { zh: '系统', en: 'system' },
};

const RETRY: Record<RetryAdvice, { zh: string; en: string }> = {
  backoff: { zh: '稍等片刻后可原样重试', en: 'retry the same request after a short wait' },
  'refresh-token': { zh: '重新获取 access_token 后重试一次', en: 'fetch a new access_token, then retry once' },
  no: { zh: '不要重试: 先修改请求或账号状态', en: 'do not retry: change the request or the account state first' },
};

const TEXT = {
  zh: {
    usage: `用法: wxshop errors [错误码] [选项]

说明错误码的含义 (中文与英文),内容来自沙箱的错误码表。
不带错误码时列出全部错误码。

选项:
  --json           以 JSON 输出,便于脚本处理
  --lang zh|en     说明与帮助的语言 (默认按 WXSHOP_LANG、LANG 判断,其余情况为中文)
  -h, --help       显示本帮助

示例:
  wxshop errors 1000001
  wxshop errors 40001 --json
  wxshop errors --lang en`,
    code: '错误码',
    wireMessage: '平台返回',
    retry: '重试建议',
    source: '文案来源',
    sources: { observed: '线上实测', documented: '官方文档', sandbox: '沙箱自拟 (平台原文未知)' },
    noRid: '此错误码的 errmsg 不带 rid 后缀',
    emptyMessage: '(空)',
    notInCatalogue: (code: string) => `错误码表中没有 ${code}。运行 wxshop errors 查看全部错误码。`,
    notACode: (value: string) => `"${value}" 不是错误码: 错误码是整数,例如 1000001 或 -1。`,
    badOption: (message: string) => `参数错误: ${message}。运行 wxshop errors --help 查看用法。`,
    total: (count: number) => `共 ${count} 个错误码。查看某个错误码的说明: wxshop errors <错误码>`,
  },
  en: {
    usage: `Usage: wxshop errors [CODE] [options]

Explains an error code in Chinese and English, from the sandbox's error catalogue.
Without a code, lists every code.

Options:
  --json           print JSON, for scripts
  --lang zh|en     language of the explanation and this help (default: from WXSHOP_LANG or LANG,
                   otherwise Chinese)
  -h, --help       show this help

Examples:
  wxshop errors 1000001
  wxshop errors 40001 --json
  wxshop errors --lang en`,
    code: 'Code',
    wireMessage: 'Platform message',
    retry: 'Retry',
    source: 'Message source',
    sources: { observed: 'captured from the live platform', documented: 'official documentation', sandbox: 'written for the sandbox (platform text unknown)' },
    noRid: 'errmsg of this code carries no rid suffix',
    emptyMessage: '(empty)',
    notInCatalogue: (code: string) => `${code} is not in the error catalogue. Run wxshop errors to list every code.`,
    notACode: (value: string) => `"${value}" is not an error code: codes are integers such as 1000001 or -1.`,
    badOption: (message: string) => `Invalid arguments: ${message}. Run wxshop errors --help for usage.`,
    total: (count: number) => `${count} codes. Explain one with: wxshop errors <CODE>`,
  },
} as const;

/** Lists the Chinese and English explanations, the chosen language first. A code without Chinese text has only English. */
function explanations(entry: ErrorCodeEntry, language: Language): [string, string][] {
  const chinese = describeInChinese(entry.code);
  const both: [string, string][] = chinese === undefined ? [] : [['中文说明', chinese]];
  both.push(['English', entry.description]);
  return language === 'en' ? both.reverse() : both;
}

/** Builds the JSON form of one code: the catalogue entry with its labels in both languages. */
function entryJson(entry: ErrorCodeEntry) {
  return {
    code: entry.code,
    message: entry.message,
    message_source: entry.messageSource,
    description: entry.description,
    description_zh: describeInChinese(entry.code) ?? null,
    module: entry.module,
    family: entry.family,
    retry: entry.retry,
    retry_advice: { zh: RETRY[entry.retry].zh, en: RETRY[entry.retry].en },
    module_name: MODULES[entry.module],
    on_error_code_page: entry.onErrorCodePage,
    rid: entry.rid !== false,
  };
}

/**
 * Runs `wxshop errors [CODE] [--json] [--lang zh|en]` and returns the exit code: 0 explained, 1 code
 * not in the catalogue, 2 invalid arguments.
 */
export function runErrors(args: string[], language: Language, out: Output, err: Output, env: NodeJS.ProcessEnv = process.env): number {
  const text = TEXT[language];
  // A negative code such as -1 is an argument, not an option.
  const negative = args.filter((arg) => /^-\d+$/.test(arg));
  let parsed;
  try {
    parsed = parseArgs({
      args: args.filter((arg) => !negative.includes(arg)),
      options: { json: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    err.write(`${text.badOption(argumentErrorMessage(error, language))}\n`);
    return 2;
  }
  if (parsed.values.help) {
    out.write(`${text.usage}\n`);
    return 0;
  }
  if (parsed.values.lang !== undefined && parsed.values.lang !== 'zh' && parsed.values.lang !== 'en') {
    err.write(`${text.badOption(`--lang ${parsed.values.lang}`)}\n`);
    return 2;
  }
  const positionals = [...negative, ...parsed.positionals];
  if (positionals.length > 1) {
    err.write(`${text.badOption(positionals.slice(1).join(' '))}\n`);
    return 2;
  }
  const style = styles(colourOn(out, env));
  const json = parsed.values.json === true;

  const [value] = positionals;
  if (value === undefined) {
    if (json) {
      out.write(`${JSON.stringify(ERROR_CODES.map(entryJson), null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...ERROR_CODES.map((entry) => String(entry.code).length));
    const lines = ERROR_CODES.map((entry) => {
      const gloss = language === 'en' ? entry.description : describeInChinese(entry.code) ?? entry.description;
      return `${style.bold(String(entry.code).padStart(width))}  ${style.dim(MODULES[entry.module][language].padEnd(language === 'en' ? 20 : 5))}  ${gloss}`;
    });
    out.write(`${lines.join('\n')}\n\n${text.total(ERROR_CODES.length)}\n`);
    return 0;
  }

  if (!/^-?\d{1,10}$/.test(value)) {
    err.write(`${text.notACode(value)}\n`);
    return 2;
  }
  const entry = explain(Number(value));
  if (!entry) {
    err.write(`${text.notInCatalogue(value)}\n`);
    return 1;
  }
  if (json) {
    out.write(`${JSON.stringify(entryJson(entry), null, 2)}\n`);
    return 0;
  }
  const row = (label: string, content: string) => `${style.dim(`${label}:`)} ${content}`;
  const lines = [
    style.bold(`${text.code} ${entry.code}`) + style.dim(`  ${MODULES[entry.module][language]} · ${FAMILIES[entry.family][language]}`),
    row(text.wireMessage, style.cyan(entry.message === '' ? text.emptyMessage : entry.message)),
    ...explanations(entry, language).map(([label, content]) => row(label, content)),
    row(text.retry, RETRY[entry.retry][language]),
    row(text.source, text.sources[entry.messageSource]),
  ];
  if (entry.rid === false) lines.push(style.dim(text.noRid));
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
