const STATE = `  --state-dir DIR   where agent.json, the outbox and the cache live
                    (default: $PORTAL_AGENT_HOME, else ~/.portal-agent)`;

export const HELP: Record<'main' | 'enroll' | 'sync' | 'status' | 'postpone' | 'service' | 'update', string> = {
  main: `portal agent — pulls approved software from the pull-deployment portal

usage: node portal-agent.mjs <command> [options]   (from a checkout: npm run agent -- <command>)

commands:
  enroll   register this machine with a one-time code from the portal
  sync     check in, download and install what this device may pull, report outcomes
  status   show the enrolment, last sync, installed items and queued reports (offline)
  postpone put off a required deployment on this device (until its deadline at most)
  service  install (or uninstall) a periodic sync: systemd timer, launchd agent, scheduled task
  update   replace this agent file with the one the portal serves, after checking its SHA-256

Run "npm run agent -- <command> --help" for a command's options.

exit codes: 0 everything succeeded; 1 something failed, reports are still queued, or the
server refused the token; 2 wrong usage or no usable state directory.`,

  enroll: `usage: npm run agent -- enroll --server URL --code CODE [options]

Trades the one-time enrolment code for a device token, saved in <state-dir>/agent.json
(mode 0600: anyone who can read it can act as this device).

  --server URL              the portal, e.g. https://portal.example.com
  --code CODE               the one-time code shown by the portal
  --hostname NAME           name to register (default: this machine's hostname)
  --serial SERIAL           serial number to register
  --install-command "CMD"   keep an install command in agent.json (see sync --help)
  --uninstall-command "CMD" keep an uninstall command in agent.json (see sync --help)
  --install-dir DIR         keep an install directory in agent.json
${STATE}

Enrolling again replaces the device identity (e.g. after its token was revoked).`,

  sync: `usage: npm run agent -- sync [options]

Checks in (reporting what installed.json says is installed), then for each pull not
installed with the same SHA-256:
  1. reports download_started, downloads to <state-dir>/cache/<sha256>.part with a progress
     bar on stderr; an interrupted download resumes next time (Range + If-Range)
  2. verifies the SHA-256 of the whole file; a mismatch discards it and reports download_failed
  3. reports download_completed, copies the file to <install-dir>/<product>/<version>/<file>
  4. runs the install command, if any, and reports install_succeeded or install_failed
Reports are queued in <state-dir>/outbox.json and retried at the next sync until delivered.

Deployments: a required deployment's build is installed at sync once it is available, after
its big-bang cut-over (never before), inside its daily maintenance window (in its time zone)
and not while postponed; at and after its deadline it installs regardless of window and
postponement. An available one installs once its user chose "Install now" on the portal.
Every report names its deployment. The server's clock (from check-in) decides.

  --install-dir DIR         default: installDir in agent.json, else <state-dir>/installed
  --install-command "CMD"   run through the shell after placing each file; default:
                            installCommand in agent.json. {file} becomes the quoted path of
                            the placed file (do not add quotes); the environment carries
                            PORTAL_FILE, PORTAL_PRODUCT, PORTAL_VERSION and PORTAL_SHA256.
                            A non-zero exit is reported with its code and the stderr tail.
  --uninstall-command "CMD" run for a removal asked for on the portal (My software) when the
                            librarian set no uninstall command for the build; {file} and
                            PORTAL_* as above, plus PORTAL_ACTION=uninstall. Exit 0: the placed
                            file is removed and uninstalled reported; else uninstall_failed.
                            Without any command, removing the placed file is the uninstall.
  --limit-rate RATE         download at most RATE bytes per second (e.g. 500K, 2M) to spare
                            a slow or shared link
${STATE}

exit: 0 all installed or up to date and all reports delivered; 1 an item failed, reports
are queued, the server was unreachable, or the token was refused (enrol again); 2 usage.`,

  postpone: `usage: npm run agent -- postpone <deployment-id> [--until TIME]

Asks the portal to put off a required deployment on this device until TIME (ISO 8601, e.g.
2026-12-01T18:00:00Z; default: a day from now). Never past the deployment's deadline: the
portal refuses that, and once the deadline passed the next sync installs regardless.

${STATE}`,

  status: `usage: npm run agent -- status [options]

Shows the server, device, hostname, last sync, installed items and how many reports are
waiting in the outbox. Reads local state only.

${STATE}`,

  service: `usage: node portal-agent.mjs service install|uninstall [options]

Registers a periodic "sync" of this agent file with the system scheduler:
  linux    systemd: portal-agent.service (oneshot) + portal-agent.timer, enabled now
           (user scope: ~/.config/systemd/user; system: /etc/systemd/system)
  macos    launchd: com.portal.agent.plist (~/Library/LaunchAgents or /Library/LaunchDaemons)
  windows  Task Scheduler: task "PortalAgent" from an XML file (schtasks /Create /XML)

  --scope user|system  run as you (default) or system-wide (needs root / administrator)
  --every MINUTES      how often to sync, 5 to 1440 (default 60)
  --platform P         linux, macos or windows (default: this machine's)
  --agent-file PATH    the agent file to run (default: this one)
  --dry-run, --print   print the files and commands instead of writing and running them
${STATE}`,

  update: `usage: node portal-agent.mjs update [--server URL] [--file PATH]

Asks the portal which agent it serves (GET /api/v1/agent: version and SHA-256); when it is
not this file, downloads it, verifies its SHA-256 and size, and replaces this file atomically.
A download that does not match is refused and nothing changes.

  --server URL   the portal (default: the one in agent.json)
  --file PATH    the agent file to replace (default: this one)
${STATE}`,
};
