// Every setting is a flag and a variable of the same name (--port, PORT), since Windows shells do
// not take `PORT=3001 npm run …`. A flag beats a variable.
import { parseArgs } from "node:util";
import { SCRIPTS } from "./scripts.ts";
import type { Print } from "./terminal.ts";

const MEANING = {
  port: "the port a server listens on and clients connect to",
  host: "clients: the server's address; servers: the one address to listen on",
  "cors-origins": "web pages allowed to connect, comma-separated, * as a wildcard",
  "admin-ui": "off turns the Admin UI off",
  "admin-password": "a login for the Admin UI (user admin), which then allows changes",
  "redis-url":
    "share broadcasts (and delivery:server's sessions) with every server using this Redis " +
    "(redis://host:port)",
  sessions:
    "where delivery:server keeps a session while its client is away: redis (REDIS_URL, or a " +
    "private redis-server) or memory (which a restart loses)",
  cares: "the kind of event a listening app handles",
};
export type SettingName = keyof typeof MEANING;

export interface Settings {
  port: number;
  host?: string;
  corsOrigins?: string;
  adminUi?: "on" | "off";
  adminPassword?: string;
  redisUrl?: string;
  sessions?: "redis" | "memory";
  cares?: string;
}

// The values a script's setting takes, when the script names them (a listening app's kinds): such a
// setting must be given, and be one of them.
export type Choices = Partial<Record<SettingName, readonly string[]>>;

// What a start function takes: settings, and where its lines go (tests pass their own print).
export type Options = Partial<Settings> & { print?: Print };

const variable = (name: string) => name.toUpperCase().replaceAll("-", "_");
const camel = (name: string) => name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

// A script's settings, from its flags and then the environment, or a one-line reason they are
// wrong; help is what --help prints, for the caller to show.
export function readSettings(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  choices: Choices = {},
) {
  const { about, port: defaultPort, also = [] } = SCRIPTS[script];
  const names: SettingName[] = ["port", "host", ...also];
  const options = Object.fromEntries(names.map((name) => [name, { type: "string" as const }]));
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args, options: { ...options, help: { type: "boolean" } } }).values;
  } catch (error) {
    throw new Error(`${(error as Error).message.split(/\.(\s|$)/)[0]}: see --help`);
  }
  if (flags.help) {
    const lines = names.map((name) => {
      const values = choices[name] ? `: ${choices[name].join(", ")}` : "";
      return `  --${name}, ${variable(name)}: ${MEANING[name]}${values}`;
    });
    const example = `  npm run ${script} -- --port ${defaultPort + 1}`;
    return {
      help: [
        `npm run ${script}: ${about}`,
        "",
        "Settings, a flag or a variable (a flag wins):",
        ...lines,
        "",
        `The port is ${defaultPort} unless set. Flags go after --:`,
        example,
      ].join("\n"),
    };
  }
  const raw = (name: SettingName) => (flags[name] ?? env[variable(name)]) as string | undefined;
  const from = (name: SettingName) => (flags[name] === undefined ? variable(name) : `--${name}`);
  const found = Object.fromEntries(names.map((name) => [camel(name), raw(name) || undefined]));

  const port = Number(raw("port") ?? defaultPort);
  // digits, not 1e3 nor 0x13ee; spaces around them, as cmd's set PORT=4001 && npm run … leaves
  if (!/^\s*\d+\s*$/.test(raw("port") ?? "0") || port > 65535) {
    throw new Error(`${from("port")} must be a whole number from 0 to 65535, not "${raw("port")}"`);
  }
  if (found.adminUi && !["on", "off"].includes(found.adminUi)) {
    throw new Error(`${from("admin-ui")} is on or off, not "${found.adminUi}"`);
  }
  if (found.sessions && !["redis", "memory"].includes(found.sessions)) {
    throw new Error(`${from("sessions")} is redis or memory, not "${found.sessions}"`);
  }
  for (const [name, values] of Object.entries(choices) as [SettingName, string[]][]) {
    const value = raw(name);
    if (value === undefined) {
      throw new Error(`--${name} is needed: ${MEANING[name]}, one of ${values.join(", ")}`);
    }
    if (!values.includes(value)) {
      throw new Error(`${from(name)} is one of ${values.join(", ")}, not "${value}"`);
    }
  }
  return { settings: { ...found, port } as Settings };
}
