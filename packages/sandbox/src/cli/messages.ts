/** CLI text in Chinese (the default) and English. */
export type Language = 'zh' | 'en';

/**
 * The language of the CLI's text: `--lang`, then WXSHOP_LANG, then the locale (LC_ALL,
 * LC_MESSAGES, LANG: English for an `en…` locale); Chinese otherwise, including the C locale.
 */
export function detectLanguage(argv: readonly string[], env: NodeJS.ProcessEnv): Language {
  const flag = argv.find((arg) => arg.startsWith('--lang='))?.slice('--lang='.length) ?? (argv.includes('--lang') ? argv[argv.indexOf('--lang') + 1] : undefined);
  const choice = flag ?? env.WXSHOP_LANG;
  if (choice !== undefined) return choice === 'en' ? 'en' : 'zh';
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en([_.@-]|$)/i.test(locale) ? 'en' : 'zh';
}

const TEXT = {
  zh: {
    usage: `用法: wxshop <命令> [选项]

命令:
  serve     启动沙箱 (默认使用 SQLite 文件 wxshop.db)
  snapshot  导出或导入全部数据: wxshop snapshot export|import 文件 --db … (--help 查看选项)
  openapi   输出 OpenAPI 3.1 接口文档 (--out FILE 写入文件,默认输出到标准输出;--help 查看选项)
  errors    说明错误码的含义 (wxshop errors 1000001;wxshop errors --help 查看选项)
  help      显示本帮助

serve 选项:
  --host HOST          监听地址 (默认 127.0.0.1)
  --port N             监听端口 (默认 8930; 0 表示随机端口)
  --db FILE|:memory:|postgres://…
                       数据存储: SQLite 文件、内存,或 PostgreSQL 连接串 (默认 wxshop.db)
  --app APPID:SECRET   预置一个已完成接入的小程序,可重复
  --config FILE        配置文件 (JSON,键: host port db apps adminKey logLevel redis redisPrefix)
  --admin-key KEY      非本机访问管理接口时须在请求头 x-wxshop-admin-key 中携带的密钥
  --log-level LEVEL    日志级别: fatal error warn info debug (默认 info)
  --lang zh|en         界面语言 (也可用环境变量 WXSHOP_LANG;未设置时按 LANG 判断)
  --redis URL          把接口额度和频率计数放在 Redis (redis://127.0.0.1:6379),多个沙箱实例共用一套限额
  --redis-prefix P     Redis 键前缀 (默认 wxshop:)
  --json               启动后在标准输出打印一行 JSON (地址、数据存储、小程序),便于脚本读取

优先级: 命令行参数 > 环境变量 WXSHOP_* > 配置文件 > 默认值
输出到终端时带颜色 (设置 NO_COLOR 可关闭);输出到管道或文件时为纯文本。`,
    started: (url: string) => `wxshop 沙箱已启动: ${url}`,
    storage: (description: string) => `数据存储: ${description}`,
    appsHeader: '小程序 (appid / secret):',
    tokenHint: (url: string, appid: string, secret: string) =>
      `获取 access_token:\n  curl "${url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}"`,
    consoleHint: (url: string) => `控制台: ${url}/_sandbox/console/`,
    adminHint: (url: string) => `管理接口: ${url}/_sandbox/v1/apps`,
    unknownCommand: (command: string) => `未知命令 "${command}"。运行 wxshop help 查看用法。`,
    failed: (message: string) => `启动失败: ${message}`,
    nonLoopbackNeedsKey: '监听非本机地址时必须设置 --admin-key,否则任何人都能操作管理接口。',
    portInUse: (address: string) => `${address} 已被占用。请停止占用该端口的程序,或用 --port 换一个端口 (0 表示随机端口)。`,
    snapshotUsage: `用法: wxshop snapshot export 文件 --db 数据库
      wxshop snapshot import 文件 --db 数据库

导出数据库中的全部数据,或用快照文件替换全部数据。导入前请先停止使用该数据库的沙箱。

选项:
  --db FILE|postgres://…  数据库 (默认 WXSHOP_DB,否则 wxshop.db)
  --json                  以一行 JSON 输出结果 (表数、行数),便于脚本处理
  --lang zh|en            提示语言
  -h, --help              显示本帮助`,
    snapshotExporting: '正在导出…',
    snapshotImporting: '正在导入…',
    openapiUsage: `用法: wxshop openapi [选项]

输出线上接口的 OpenAPI 3.1 文档,由接口契约生成,可导入 Apifox 和 Postman。

选项:
  --out FILE       写入文件 (默认输出到标准输出)
  --server URL     文档中的服务器地址 (默认 https://api.weixin.qq.com)
  --json           与 --out 一起使用时,在标准输出打印一行 JSON 结果 (文件、接口数、字节数)
  --lang zh|en     提示语言
  -h, --help       显示本帮助`,
    openapiWritten: (file: string, paths: number) => `已把 OpenAPI 3.1 文档 (${paths} 个接口) 写入 ${file}`,
    openapiWriteFailed: (file: string, message: string) => `wxshop openapi: 无法写入 ${file}: ${message}`,
    openapiBadOption: (message: string) => `wxshop openapi: 参数错误: ${message}。运行 wxshop openapi --help 查看用法。`,
    opening: '正在打开数据存储…',
    snapshotExported: (file: string, tables: number, rows: number) => `已导出 ${tables} 张表、${rows} 行到 ${file}`,
    snapshotImported: (file: string, storage: string, rows: number) => `已从 ${file} 导入 ${rows} 行到 ${storage}`,
    snapshotFailed: (message: string) => `快照失败: ${message}`,
    snapshotNoDatabase: (file: string) => `数据库文件不存在: ${file}。请检查 --db 的路径。`,
  },
  en: {
    usage: `Usage: wxshop <command> [options]

Commands:
  serve     start the sandbox (SQLite file wxshop.db by default)
  snapshot  export or import the whole state: wxshop snapshot export|import FILE --db … (--help for options)
  openapi   print the OpenAPI 3.1 document of the wire API (--out FILE writes it to a file; --help for options)
  errors    explain an error code (wxshop errors 1000001; wxshop errors --help for options)
  help      show this help

serve options:
  --host HOST          address to listen on (default 127.0.0.1)
  --port N             port to listen on (default 8930; 0 picks a free port)
  --db FILE|:memory:|postgres://…
                       storage: a SQLite file, memory, or a PostgreSQL URL (default wxshop.db)
  --app APPID:SECRET   declare a fully onboarded mini program; repeatable
  --config FILE        config file (JSON keys: host port db apps adminKey logLevel redis redisPrefix)
  --admin-key KEY      key that non-loopback admin callers send in the x-wxshop-admin-key header
  --log-level LEVEL    log level: fatal error warn info debug (default info)
  --lang zh|en         language of this text (or WXSHOP_LANG; otherwise taken from LANG)
  --redis URL          keep API quota and frequency counters in Redis (redis://127.0.0.1:6379),
                       so several sandbox instances share one set of limits
  --redis-prefix P     prefix of the sandbox's Redis keys (default wxshop:)
  --json               once started, print one JSON line (address, storage, apps) on stdout,
                       for scripts

Precedence: flags > WXSHOP_* environment variables > config file > defaults
Output to a terminal is coloured (set NO_COLOR to turn it off); output to a pipe or file is plain.`,
    started: (url: string) => `wxshop sandbox listening on ${url}`,
    storage: (description: string) => `Storage: ${description}`,
    appsHeader: 'Mini programs (appid / secret):',
    tokenHint: (url: string, appid: string, secret: string) =>
      `Get an access_token:\n  curl "${url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}"`,
    consoleHint: (url: string) => `Console: ${url}/_sandbox/console/`,
    adminHint: (url: string) => `Admin API: ${url}/_sandbox/v1/apps`,
    unknownCommand: (command: string) => `Unknown command "${command}". Run wxshop help for usage.`,
    failed: (message: string) => `Failed to start: ${message}`,
    nonLoopbackNeedsKey: 'Listening on a non-loopback address requires --admin-key; otherwise anyone could drive the admin API.',
    portInUse: (address: string) => `${address} is already in use. Stop the program that listens there, or choose another port with --port (0 picks a free one).`,
    snapshotUsage: `Usage: wxshop snapshot export FILE --db DATABASE
       wxshop snapshot import FILE --db DATABASE

Exports every row of a database, or replaces all its data with a snapshot file. Stop any
sandbox that uses the database before an import.

Options:
  --db FILE|postgres://…  the database (default WXSHOP_DB, otherwise wxshop.db)
  --json                  print the result (tables, rows) as one JSON line, for scripts
  --lang zh|en            language of the messages
  -h, --help              show this help`,
    snapshotExporting: 'Exporting…',
    snapshotImporting: 'Importing…',
    openapiUsage: `Usage: wxshop openapi [options]

Prints the OpenAPI 3.1 document of the wire API, generated from the contract. Apifox and
Postman import it.

Options:
  --out FILE       write it to FILE (default: stdout)
  --server URL     server address in the document (default https://api.weixin.qq.com)
  --json           with --out, print the result (file, paths, bytes) as one JSON line on stdout
  --lang zh|en     language of the messages
  -h, --help       show this help`,
    openapiWritten: (file: string, paths: number) => `Wrote the OpenAPI 3.1 document (${paths} paths) to ${file}`,
    openapiWriteFailed: (file: string, message: string) => `wxshop openapi: cannot write ${file}: ${message}`,
    openapiBadOption: (message: string) => `wxshop openapi: invalid arguments: ${message}. Run wxshop openapi --help for usage.`,
    opening: 'Opening the storage…',
    snapshotExported: (file: string, tables: number, rows: number) => `Exported ${tables} tables, ${rows} rows to ${file}`,
    snapshotImported: (file: string, storage: string, rows: number) => `Imported ${rows} rows from ${file} into ${storage}`,
    snapshotFailed: (message: string) => `Snapshot failed: ${message}`,
    snapshotNoDatabase: (file: string) => `database file not found: ${file}. Check the path given to --db.`,
  },
} as const;

export function messages(language: Language) {
  return TEXT[language];
}

/**
 * Returns the message of a node:util parseArgs error in the CLI's language. parseArgs writes
 * English only, so in Chinese the three usual mistakes are named anew: an unknown option, an option
 * without its value and an argument the command does not take. Other errors keep their message.
 */
export function argumentErrorMessage(error: unknown, language: Language): string {
  const message = error instanceof Error ? error.message : String(error);
  if (language !== 'zh') return message;
  const code = (error as { code?: unknown }).code;
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (quoted === undefined) return message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `未知选项 ${quoted}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && message.endsWith('argument missing')) return `选项 ${quoted.split(' ')[0]} 缺少取值`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `多余的参数 ${quoted}`;
  return message;
}
