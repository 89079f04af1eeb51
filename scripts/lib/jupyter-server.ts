/**
 * The project's Jupyter server (Notebook 7): its settings, its start and its stop. The token is
 * written to a 0600 configuration file read by the server, never put on a command line, where
 * any local user could read it with `ps` and then run code as you.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { jupyterCommand, jupyterEnv, PROJECT_JUPYTER_CONFIG } from "./jupyter";
import { freePort, waitForHttp } from "./net";

/**
 * JupyterLab settings (Notebook 7 shares them): the notebook's own kernel starts by itself, a
 * cell run while it starts waits with a note instead of a "Select Kernel" dialog, and closing a
 * notebook stops its kernel (a small machine does not pile them up).
 */
const LAB_SETTINGS: Record<string, object> = {
  "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
    autoStartDefaultKernel: true,
    enableKernelInitNotification: true,
    kernelShutdown: true,
  },
  // JupyterLab opens a notebook's link to a .md file inside the app: rendered, at its heading.
  "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {
    defaultViewers: { markdown: "Markdown Preview" },
  },
};

/**
 * The folder of the kit's server-side addition (flatfiles_kit_docs.py: .md files opened in a
 * browser tab come rendered, UTF-8, with heading anchors), put on the server's PYTHONPATH.
 */
const KIT_PYTHON_DIR = path.join(PACKAGE_ROOT, "scripts", "lib", "jupyter-ext");

export interface JupyterServer {
  child: ChildProcess;
  port: number;
  token: string;
  base: string;
  /** Stop the server and everything it started (its process group); resolves once gone. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  env?: NodeJS.ProcessEnv;
  /** The folder it serves (default: the project, so notebooks, docs and solutions all open). */
  rootDir?: string;
  /** Extra server settings, merged into the configuration file. */
  settings?: Record<string, Record<string, unknown>>;
  stdio?: "inherit" | "ignore";
}

/** The server's settings: loopback, our kernel only, nothing of the project hidden from links. */
export function serverSettings(port: number, token: string, rootDir: string, kernel = "tslab") {
  return {
    ServerApp: {
      ip: "127.0.0.1",
      port,
      port_retries: 0,
      open_browser: false,
      root_dir: rootDir,
      allow_root: process.getuid?.() === 0, // containers and CI machines run as root
    },
    IdentityProvider: { token },
    // The notebooks are TypeScript: tslab is the only kernel offered (New, Change kernel) and the
    // default; the Python kernel the server runs on is not added.
    KernelSpecManager: { allowed_kernelspecs: [kernel], ensure_native_kernel: false },
    MappingKernelManager: { default_kernel_name: kernel },
    ContentsManager: {
      hide_globs: ["__pycache__", "*.pyc", "node_modules", "*.log", "*~"],
      // Notebook 7 opens a notebook's link to docs/….md as /files/docs/….md in a new tab.
      files_handler_class: "flatfiles_kit_docs.MarkdownFilesHandler",
    },
    // window.jupyterapp: the browser test drives the page through the app's own commands.
    JupyterNotebookApp: { expose_app_in_browser: true },
  };
}

/** Write JupyterLab's user settings the project needs, leaving any the learner changed alone. */
export function writeLabSettings(configDir: string = PROJECT_JUPYTER_CONFIG): void {
  for (const [file, value] of Object.entries(LAB_SETTINGS)) {
    const target = path.join(configDir, "lab", "user-settings", file);
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, JSON.stringify(value, null, 2) + "\n");
  }
}

/** Start Jupyter Notebook 7 and wait until it answers. */
export async function startJupyterServer(options: ServerOptions = {}): Promise<JupyterServer> {
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const env = jupyterEnv(options.env);
  env.PYTHONPATH = [KIT_PYTHON_DIR, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  const configDir = env.JUPYTER_CONFIG_DIR ?? PROJECT_JUPYTER_CONFIG;
  writeLabSettings(configDir);
  const settings = serverSettings(port, token, options.rootDir ?? PACKAGE_ROOT);
  const sections = settings as Record<string, object>;
  for (const [k, v] of Object.entries(options.settings ?? {})) sections[k] = { ...sections[k], ...v };
  // One file per server (several may run), 0600 from its creation, removed when it stops.
  const configFile = path.join(configDir, `server-${port}.json`);
  fs.writeFileSync(configFile, JSON.stringify(settings, null, 2), { mode: 0o600, flag: "wx" });
  let child: ChildProcess;
  try {
    // Own process group, so stopping Jupyter also reaches the kernels it started.
    child = spawn(jupyterCommand("jupyter-notebook"), [`--config=${configFile}`], {
      env,
      detached: true,
      stdio: ["ignore", options.stdio ?? "inherit", options.stdio ?? "inherit"],
    });
  } catch (e) {
    fs.rmSync(configFile, { force: true });
    throw e;
  }
  const removeConfig = () => fs.rmSync(configFile, { force: true });
  child.once("exit", removeConfig);
  const server: JupyterServer = {
    child,
    port,
    token,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.removeAllListeners("exit"); // a stop asked for is not news to whoever watches the exit
      await stopProcessGroup(child);
      removeConfig();
    },
  };
  try {
    await waitForHttp(`${server.base}/api/status?token=${token}`, 90_000);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** SIGTERM to the group, SIGKILL after 8 s; resolves once the server exited. */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }, 8000);
  await gone;
  clearTimeout(timer);
}
