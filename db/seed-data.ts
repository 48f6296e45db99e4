// Demo catalogue for `npm run db:seed`: realistic titles across categories. Pure data; db/seed.ts writes it.
export type SeedPlatform = 'windows-x64' | 'windows-arm64' | 'macos-arm64' | 'macos-x64' | 'linux-x64' | 'linux-arm64';
export type SeedStage = { kind: 'manager' } | { kind: 'group'; group: string; requiredApprovals?: number };

export interface SeedRelease {
  version: string;
  /** Days before the seed date it was published (drafts: ignored). */
  publishedDaysAgo: number;
  status: 'draft' | 'published' | 'deprecated' | 'withdrawn';
  notes: string;
  /** Required when status is 'withdrawn'. */
  withdrawReason?: string;
  changeRef?: string;
  platforms: SeedPlatform[];
}

export interface SeedProduct {
  slug: string;
  name: string;
  publisher: string;
  category: 'Browsers' | 'Developer tools' | 'Office' | 'Design' | 'Security' | 'Utilities' | 'Communication';
  summary: string; // one sentence, <= 120 chars
  description: string; // 2-4 sentences, plain text; may contain a blank line between paragraphs
  homepageUrl: string;
  licenceModel: 'free' | 'open-source' | 'per-seat' | 'site';
  seatLimit?: number; // only for per-seat
  seatExhausted?: 'wait' | 'reject';
  /** Empty/absent = auto-approve. */
  policy?: SeedStage[];
  requireChangeRef?: boolean;
  /** When set, only these groups may see and request it. */
  visibleToGroups?: string[];
  /** Oldest first. */
  releases: SeedRelease[];
}

const ALL: SeedPlatform[] = ['windows-x64', 'windows-arm64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64'];
const DESKTOP: SeedPlatform[] = ['windows-x64', 'windows-arm64', 'macos-arm64', 'macos-x64', 'linux-x64'];
const WIN_MAC: SeedPlatform[] = ['windows-x64', 'windows-arm64', 'macos-arm64', 'macos-x64'];
const WIN_MAC_LINUX_X64: SeedPlatform[] = ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64'];
const WINDOWS: SeedPlatform[] = ['windows-x64', 'windows-arm64'];
const MACOS: SeedPlatform[] = ['macos-arm64', 'macos-x64'];

export const seedProducts: SeedProduct[] = [
  // ---------------------------------------------------------------- Browsers
  {
    slug: 'firefox',
    name: 'Mozilla Firefox',
    publisher: 'Mozilla',
    category: 'Browsers',
    summary: 'Open-source web browser built on the Gecko engine, with strong privacy defaults.',
    description:
      'Firefox is a general-purpose web browser maintained by Mozilla and built on its own Gecko rendering engine. It includes enhanced tracking protection, container tabs and a large extension catalogue.\n\nThe managed build honours the enterprise policies pushed by IT Operations.',
    homepageUrl: 'https://www.mozilla.org/firefox/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '139.0.4',
        publishedDaysAgo: 75,
        status: 'deprecated',
        notes: 'Stability fixes for the 139 release line.',
        platforms: ALL,
      },
      {
        version: '140.0.4',
        publishedDaysAgo: 40,
        status: 'published',
        notes: 'Security fixes and crash fixes for video playback.',
        platforms: ALL,
      },
      {
        version: '141.0',
        publishedDaysAgo: 12,
        status: 'published',
        notes:
          '**New major release.**\n\n- Tab groups can be named, coloured and collapsed\n- Lower memory use on Linux\n- PDF viewer: fill and sign forms\n\nSee the [release notes](https://www.mozilla.org/firefox/releases/) for the full list.',
        platforms: ALL,
      },
      {
        version: '142.0',
        publishedDaysAgo: 0,
        status: 'draft',
        notes: 'Staged for packaging; awaiting policy template review.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'google-chrome',
    name: 'Google Chrome',
    publisher: 'Google',
    category: 'Browsers',
    summary: 'Chromium-based web browser from Google with built-in sync and enterprise policy support.',
    description:
      'Chrome is the Google-distributed browser based on the open-source Chromium project. The enterprise package supports centrally managed policies and updates. Sign-in with personal Google accounts is disabled by policy on managed devices.',
    homepageUrl: 'https://www.google.com/chrome/',
    licenceModel: 'free',
    releases: [
      {
        version: '137.0.7151.120',
        publishedDaysAgo: 70,
        status: 'deprecated',
        notes: 'Stable channel update with security fixes.',
        platforms: DESKTOP,
      },
      {
        version: '138.0.7204.158',
        publishedDaysAgo: 35,
        status: 'published',
        notes: 'Stable channel update addressing several high-severity vulnerabilities.',
        platforms: DESKTOP,
      },
      {
        version: '139.0.7258.66',
        publishedDaysAgo: 9,
        status: 'published',
        notes: 'New stable milestone. Includes security fixes and updated enterprise policies.',
        platforms: DESKTOP,
      },
    ],
  },
  {
    slug: 'microsoft-edge',
    name: 'Microsoft Edge',
    publisher: 'Microsoft',
    category: 'Browsers',
    summary: 'Chromium-based browser from Microsoft, integrated with Entra ID sign-in and Microsoft 365.',
    description:
      'Edge is Microsoft’s browser built on Chromium. It supports single sign-on with work accounts, Internet Explorer mode for legacy intranet sites and Group Policy management. It is the default browser on managed Windows devices.',
    homepageUrl: 'https://www.microsoft.com/edge',
    licenceModel: 'free',
    releases: [
      {
        version: '137.0.3296.93',
        publishedDaysAgo: 68,
        status: 'deprecated',
        notes: 'Stable channel security update.',
        platforms: DESKTOP,
      },
      {
        version: '138.0.3351.95',
        publishedDaysAgo: 30,
        status: 'published',
        notes: 'Stable channel update with fixes from the Chromium project.',
        platforms: DESKTOP,
      },
      {
        version: '139.0.3405.86',
        publishedDaysAgo: 8,
        status: 'published',
        notes: 'New stable release. Adds policy options for the sidebar and Copilot features.',
        platforms: DESKTOP,
      },
    ],
  },
  {
    slug: 'brave-browser',
    name: 'Brave Browser',
    publisher: 'Brave Software',
    category: 'Browsers',
    summary: 'Chromium-based browser that blocks ads and trackers by default.',
    description:
      'Brave is a browser built on Chromium with a built-in content blocker. Optional features such as rewards and the crypto wallet are disabled by policy in the managed package. Chrome extensions are supported.',
    homepageUrl: 'https://brave.com/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '1.79.126',
        publishedDaysAgo: 60,
        status: 'published',
        notes: 'Upgrade to Chromium 137 and fixes for the content blocker.',
        platforms: ALL,
      },
      {
        version: '1.80.124',
        publishedDaysAgo: 25,
        status: 'published',
        notes: 'Upgrade to Chromium 138 with security fixes.',
        platforms: ALL,
      },
    ],
  },

  // ---------------------------------------------------------------- Developer tools
  {
    slug: 'visual-studio-code',
    name: 'Visual Studio Code',
    publisher: 'Microsoft',
    category: 'Developer tools',
    summary: 'Lightweight source code editor with debugging, Git integration and an extension marketplace.',
    description:
      'Visual Studio Code is a cross-platform code editor with support for most languages through extensions. It includes an integrated terminal, debugger and source control view. Telemetry is set to errors-only by the managed configuration.',
    homepageUrl: 'https://code.visualstudio.com/',
    licenceModel: 'free',
    releases: [
      {
        version: '1.101.2',
        publishedDaysAgo: 55,
        status: 'deprecated',
        notes: 'Recovery release fixing extension host crashes.',
        platforms: ALL,
      },
      {
        version: '1.102.3',
        publishedDaysAgo: 24,
        status: 'published',
        notes: 'Monthly update with terminal and chat improvements.',
        platforms: ALL,
      },
      {
        version: '1.103.0',
        publishedDaysAgo: 6,
        status: 'published',
        notes: 'Monthly update. Adds Git worktree support in the source control view.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'git',
    name: 'Git',
    publisher: 'Software Freedom Conservancy',
    category: 'Developer tools',
    summary: 'Distributed version control system, including Git Bash and Credential Manager on Windows.',
    description:
      'Git is the standard distributed version control system used by all engineering teams. On Windows the package installs Git for Windows with Git Bash and Git Credential Manager. On macOS and Linux it installs the command-line tools only.',
    homepageUrl: 'https://git-scm.com/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '2.49.0',
        publishedDaysAgo: 140,
        status: 'deprecated',
        notes: 'Feature release with faster packing and new clone options.',
        platforms: ALL,
      },
      {
        version: '2.50.1',
        publishedDaysAgo: 45,
        status: 'published',
        notes: 'Maintenance release addressing several security vulnerabilities.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'nodejs',
    name: 'Node.js',
    publisher: 'OpenJS Foundation',
    category: 'Developer tools',
    summary: 'JavaScript runtime built on the V8 engine, with npm included.',
    description:
      'Node.js runs JavaScript outside the browser and is used for build tooling and backend services. Only LTS release lines are offered in the portal. The package also installs npm and Corepack.',
    homepageUrl: 'https://nodejs.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '20.19.4',
        publishedDaysAgo: 50,
        status: 'deprecated',
        notes: 'Maintenance LTS update. Move to the 22.x line before end of life.',
        platforms: ALL,
      },
      {
        version: '22.17.1',
        publishedDaysAgo: 48,
        status: 'published',
        notes: 'Active LTS security release.',
        platforms: ALL,
      },
      {
        version: '22.18.0',
        publishedDaysAgo: 14,
        status: 'published',
        notes: 'Active LTS minor release; TypeScript type stripping enabled by default.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'docker-desktop',
    name: 'Docker Desktop',
    publisher: 'Docker Inc.',
    category: 'Developer tools',
    summary: 'Desktop application for building and running containers locally, including Docker Compose.',
    description:
      'Docker Desktop provides the Docker engine, CLI, Compose and a local Kubernetes option in a single install. Commercial use in an organisation of our size requires a paid subscription, so each install consumes a seat. On Windows it requires WSL 2.',
    homepageUrl: 'https://www.docker.com/products/docker-desktop/',
    licenceModel: 'per-seat',
    seatLimit: 40,
    seatExhausted: 'wait',
    policy: [{ kind: 'manager' }],
    releases: [
      {
        version: '4.42.1',
        publishedDaysAgo: 62,
        status: 'deprecated',
        notes: 'Bug-fix release for networking issues on Windows.',
        platforms: DESKTOP,
      },
      {
        version: '4.43.2',
        publishedDaysAgo: 27,
        status: 'published',
        notes: 'Updates the bundled Docker Engine and Compose versions.',
        platforms: DESKTOP,
      },
      {
        version: '4.44.0',
        publishedDaysAgo: 0,
        status: 'draft',
        notes: 'Packaging in progress; settings-management file not yet validated.',
        platforms: DESKTOP,
      },
    ],
  },
  {
    slug: 'intellij-idea',
    name: 'IntelliJ IDEA Ultimate',
    publisher: 'JetBrains',
    category: 'Developer tools',
    summary: 'Full-featured IDE for Java and Kotlin, with support for web frameworks and databases.',
    description:
      'IntelliJ IDEA Ultimate is the JetBrains IDE for JVM languages, including Spring and Jakarta EE support, database tools and an HTTP client. Licences are assigned from the company JetBrains account. Seats are released when the software is uninstalled.',
    homepageUrl: 'https://www.jetbrains.com/idea/',
    licenceModel: 'per-seat',
    seatLimit: 25,
    seatExhausted: 'wait',
    policy: [{ kind: 'manager' }],
    releases: [
      {
        version: '2024.3.6',
        publishedDaysAgo: 150,
        status: 'deprecated',
        notes: 'Final bug-fix update for the 2024.3 line.',
        platforms: ALL,
      },
      {
        version: '2025.1.4',
        publishedDaysAgo: 40,
        status: 'published',
        notes: 'Bug-fix update for 2025.1.',
        platforms: ALL,
      },
      {
        version: '2025.2',
        publishedDaysAgo: 10,
        status: 'published',
        notes: 'Major release with improved Spring support and remote development fixes.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'postman',
    name: 'Postman',
    publisher: 'Postman Inc.',
    category: 'Developer tools',
    summary: 'Desktop client for designing, sending and testing HTTP and gRPC API requests.',
    description:
      'Postman is an API client used to build requests, organise them into collections and run automated tests. Sign in with your work email to join the company team workspace.',
    homepageUrl: 'https://www.postman.com/',
    licenceModel: 'free',
    releases: [
      {
        version: '11.48.3',
        publishedDaysAgo: 90,
        status: 'published',
        notes: 'Fixes for collection runner and proxy settings.',
        platforms: WIN_MAC_LINUX_X64,
      },
      {
        version: '11.55.4',
        publishedDaysAgo: 20,
        status: 'published',
        notes: 'Performance improvements when opening large collections.',
        platforms: WIN_MAC_LINUX_X64,
      },
    ],
  },
  {
    slug: 'python',
    name: 'Python',
    publisher: 'Python Software Foundation',
    category: 'Developer tools',
    summary: 'The Python interpreter and standard library, with pip and the py launcher on Windows.',
    description:
      'This package installs the official CPython distribution from python.org. On Windows it also installs the py launcher, and on macOS it installs a universal build. Linux users should use the distribution packages instead.',
    homepageUrl: 'https://www.python.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '3.12.10',
        publishedDaysAgo: 120,
        status: 'deprecated',
        notes: 'Last binary release of 3.12; the branch now receives source-only security fixes.',
        platforms: WIN_MAC,
      },
      {
        version: '3.13.4',
        publishedDaysAgo: 70,
        status: 'published',
        notes: 'Maintenance release with bug fixes.',
        platforms: WIN_MAC,
      },
      {
        version: '3.13.5',
        publishedDaysAgo: 50,
        status: 'published',
        notes: 'Expedited maintenance release fixing regressions in 3.13.4.',
        platforms: WIN_MAC,
      },
    ],
  },
  {
    slug: 'xcode',
    name: 'Xcode',
    publisher: 'Apple',
    category: 'Developer tools',
    summary: 'Apple IDE and SDKs for building apps for macOS, iOS, iPadOS, watchOS and visionOS.',
    description:
      'Xcode includes the Swift and Clang toolchains, Interface Builder, simulators and Instruments. It is required for building and signing software for Apple platforms. The download is large, so install it on a reliable network.',
    homepageUrl: 'https://developer.apple.com/xcode/',
    licenceModel: 'free',
    releases: [
      {
        version: '16.3',
        publishedDaysAgo: 130,
        status: 'deprecated',
        notes: 'Includes SDKs for iOS 18.4 and macOS 15.4.',
        platforms: MACOS,
      },
      {
        version: '16.4',
        publishedDaysAgo: 75,
        status: 'published',
        notes: 'Includes SDKs for iOS 18.5 and macOS 15.5, plus Swift 6.1.2.',
        platforms: MACOS,
      },
    ],
  },

  // ---------------------------------------------------------------- Office
  {
    slug: 'libreoffice',
    name: 'LibreOffice',
    publisher: 'The Document Foundation',
    category: 'Office',
    summary: 'Open-source office suite with a word processor, spreadsheet, presentations and drawing.',
    description:
      'LibreOffice includes Writer, Calc, Impress, Draw and Base. It opens and saves Microsoft Office formats and uses OpenDocument as its native format. It is a suitable alternative when no Microsoft 365 licence is needed.',
    homepageUrl: 'https://www.libreoffice.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '24.8.7',
        publishedDaysAgo: 110,
        status: 'deprecated',
        notes: 'Final update of the 24.8 branch.',
        platforms: ALL,
      },
      {
        version: '25.2.4',
        publishedDaysAgo: 65,
        status: 'published',
        notes: 'Bug-fix release for the 25.2 branch.',
        platforms: ALL,
      },
      {
        version: '25.2.5',
        publishedDaysAgo: 22,
        status: 'published',
        notes: 'Bug-fix release with improved DOCX import.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'microsoft-365-apps',
    name: 'Microsoft 365 Apps for enterprise',
    publisher: 'Microsoft',
    category: 'Office',
    summary: 'Word, Excel, PowerPoint, Outlook and OneNote desktop apps on the Monthly Enterprise Channel.',
    description:
      'Installs the Microsoft 365 desktop applications using the company Click-to-Run configuration. Each install is assigned a licence from the enterprise agreement. Updates follow the Monthly Enterprise Channel and every build goes through change management.',
    homepageUrl: 'https://www.microsoft.com/microsoft-365/enterprise/microsoft365-apps-for-enterprise',
    licenceModel: 'per-seat',
    seatLimit: 50,
    seatExhausted: 'wait',
    policy: [{ kind: 'manager' }],
    requireChangeRef: true,
    releases: [
      {
        version: '16.0.18623.20266',
        publishedDaysAgo: 95,
        status: 'deprecated',
        notes: 'Monthly Enterprise Channel build 2503.',
        changeRef: 'CHG0030877',
        platforms: WINDOWS,
      },
      {
        version: '16.0.18730.20220',
        publishedDaysAgo: 60,
        status: 'published',
        notes: 'Monthly Enterprise Channel build 2504 with security updates.',
        changeRef: 'CHG0031012',
        platforms: WINDOWS,
      },
      {
        version: '16.0.18827.20176',
        publishedDaysAgo: 28,
        status: 'published',
        notes: 'Monthly Enterprise Channel build 2505. Includes Outlook and Excel fixes.',
        changeRef: 'CHG0031245',
        platforms: WINDOWS,
      },
    ],
  },
  {
    slug: 'adobe-acrobat-reader',
    name: 'Adobe Acrobat Reader',
    publisher: 'Adobe',
    category: 'Office',
    summary: 'Free PDF viewer for reading, printing, signing and commenting on PDF documents.',
    description:
      'Acrobat Reader opens PDF files and supports form filling, comments and electronic signatures. Editing and exporting PDFs require a paid Acrobat licence, which is not included. Auto-update is managed by IT.',
    homepageUrl: 'https://www.adobe.com/acrobat/pdf-reader.html',
    licenceModel: 'free',
    releases: [
      {
        version: '25.001.20474',
        publishedDaysAgo: 85,
        status: 'deprecated',
        notes: 'Continuous track update with security fixes.',
        platforms: WIN_MAC,
      },
      {
        version: '25.001.20531',
        publishedDaysAgo: 44,
        status: 'published',
        notes: 'Security update addressing memory corruption issues.',
        platforms: WIN_MAC,
      },
      {
        version: '25.001.20566',
        publishedDaysAgo: 11,
        status: 'published',
        notes: 'Continuous track update with stability fixes.',
        platforms: WIN_MAC,
      },
    ],
  },
  {
    slug: 'obsidian',
    name: 'Obsidian',
    publisher: 'Dynalist Inc.',
    category: 'Office',
    summary: 'Note-taking app that stores notes as local Markdown files with links between them.',
    description:
      'Obsidian keeps notes as plain Markdown files in a local folder called a vault. Notes can link to each other and be browsed as a graph. Store work vaults on the company file share, not in personal cloud storage.',
    homepageUrl: 'https://obsidian.md/',
    licenceModel: 'free',
    releases: [
      {
        version: '1.8.9',
        publishedDaysAgo: 100,
        status: 'deprecated',
        notes: 'Bug fixes for the editor and file explorer.',
        platforms: ALL,
      },
      {
        version: '1.8.10',
        publishedDaysAgo: 80,
        status: 'published',
        notes: 'Fixes a crash when opening large vaults.',
        platforms: ALL,
      },
      {
        version: '1.9.10',
        publishedDaysAgo: 0,
        status: 'draft',
        notes: 'Adds Bases (database views over notes). Pending plugin compatibility testing.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'contoso-expense-capture',
    name: 'Contoso Expense Capture',
    publisher: 'Contoso Finance IT',
    category: 'Office',
    summary: 'Internal app for photographing receipts and submitting them as expense claims.',
    description:
      'Expense Capture reads receipt images, extracts the amount and date, and creates a draft claim in the finance system. It is in development and will replace the current spreadsheet-based process.',
    homepageUrl: 'https://intranet.contoso.com/apps/expense-capture',
    licenceModel: 'site',
    releases: [
      {
        version: '0.9.0',
        publishedDaysAgo: 0,
        status: 'draft',
        notes: 'Internal preview build for packaging tests.',
        platforms: ['windows-x64', 'macos-arm64'],
      },
      {
        version: '1.0.0-rc.1',
        publishedDaysAgo: 0,
        status: 'draft',
        notes: 'Release candidate; waiting on finance sign-off.',
        platforms: ['windows-x64', 'macos-arm64'],
      },
    ],
  },
  {
    slug: 'contoso-ledger-desktop',
    name: 'Contoso Ledger Desktop',
    publisher: 'Contoso Finance IT',
    category: 'Office',
    summary: 'Internal desktop client for the general ledger, journal entries and month-end close.',
    description:
      'Ledger Desktop connects to the finance database for posting journals, reconciling accounts and running month-end reports. Access is limited to the Finance group and each install is approved by a manager and Finance. Every release is tied to a change record.',
    homepageUrl: 'https://intranet.contoso.com/apps/ledger',
    licenceModel: 'site',
    policy: [{ kind: 'manager' }, { kind: 'group', group: 'Finance' }],
    requireChangeRef: true,
    visibleToGroups: ['Finance'],
    releases: [
      {
        version: '3.4.2',
        publishedDaysAgo: 210,
        status: 'deprecated',
        notes: 'Fiscal year 2024 close support.',
        changeRef: 'CHG0029416',
        platforms: ['windows-x64'],
      },
      {
        version: '3.5.0',
        publishedDaysAgo: 90,
        status: 'published',
        notes: 'Adds multi-currency reconciliation and new VAT report layouts.',
        changeRef: 'CHG0030702',
        platforms: ['windows-x64'],
      },
      {
        version: '3.5.1',
        publishedDaysAgo: 18,
        status: 'published',
        notes: 'Fixes rounding in the VAT summary report.',
        changeRef: 'CHG0031318',
        platforms: ['windows-x64'],
      },
    ],
  },

  // ---------------------------------------------------------------- Design
  {
    slug: 'figma',
    name: 'Figma Desktop',
    publisher: 'Figma',
    category: 'Design',
    summary: 'Desktop app for Figma, the collaborative interface design and prototyping tool.',
    description:
      'The Figma desktop app wraps the web editor and adds local font access and native notifications. Editing requires a paid seat on the company organisation plan; viewing does not. Seats are limited, so requests are rejected when none are free.',
    homepageUrl: 'https://www.figma.com/',
    licenceModel: 'per-seat',
    seatLimit: 15,
    seatExhausted: 'reject',
    policy: [{ kind: 'manager' }],
    releases: [
      {
        version: '125.4.9',
        publishedDaysAgo: 70,
        status: 'deprecated',
        notes: 'Fixes font loading issues on macOS.',
        platforms: WIN_MAC,
      },
      {
        version: '125.6.5',
        publishedDaysAgo: 21,
        status: 'published',
        notes: 'Performance and stability improvements.',
        platforms: WIN_MAC,
      },
    ],
  },
  {
    slug: 'gimp',
    name: 'GIMP',
    publisher: 'The GIMP Team',
    category: 'Design',
    summary: 'Open-source raster image editor for photo retouching, composition and painting.',
    description:
      'GIMP is a raster graphics editor with layers, masks, filters and scripting support. Version 3 moved to GTK 3 and added non-destructive filters. It reads and writes PSD files with some limitations.',
    homepageUrl: 'https://www.gimp.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '2.10.38',
        publishedDaysAgo: 400,
        status: 'deprecated',
        notes: 'Final release of the 2.10 series.',
        platforms: ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64'],
      },
      {
        version: '3.0.2',
        publishedDaysAgo: 140,
        status: 'published',
        notes: 'Bug-fix release for GIMP 3.0.',
        platforms: ALL,
      },
      {
        version: '3.0.4',
        publishedDaysAgo: 60,
        status: 'published',
        notes: 'Fixes for text tool and PSD import regressions.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'inkscape',
    name: 'Inkscape',
    publisher: 'Inkscape Project',
    category: 'Design',
    summary: 'Open-source vector graphics editor using SVG as its native format.',
    description:
      'Inkscape is used for illustrations, diagrams, icons and print layouts. It works natively with SVG and can export PNG, PDF and EPS. It is a common free alternative to Adobe Illustrator.',
    homepageUrl: 'https://inkscape.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '1.3.2',
        publishedDaysAgo: 380,
        status: 'deprecated',
        notes: 'Bug-fix release of the 1.3 series.',
        platforms: WIN_MAC_LINUX_X64,
      },
      {
        version: '1.4.2',
        publishedDaysAgo: 70,
        status: 'published',
        notes: 'Maintenance release with crash fixes and improved PDF import.',
        platforms: WIN_MAC_LINUX_X64,
      },
    ],
  },
  {
    slug: 'blender',
    name: 'Blender',
    publisher: 'Blender Foundation',
    category: 'Design',
    summary: 'Open-source 3D creation suite for modelling, animation, rendering and compositing.',
    description:
      'Blender covers the full 3D pipeline, including modelling, sculpting, rigging, animation, simulation and video editing. It ships with the Cycles and EEVEE render engines. GPU rendering needs a supported graphics card.',
    homepageUrl: 'https://www.blender.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '4.2.12',
        publishedDaysAgo: 95,
        status: 'published',
        notes: 'Long-term support update with bug fixes.',
        platforms: ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64'],
      },
      {
        version: '4.4.3',
        publishedDaysAgo: 90,
        status: 'deprecated',
        notes: 'Final bug-fix release of 4.4.',
        platforms: DESKTOP,
      },
      {
        version: '4.5.1',
        publishedDaysAgo: 16,
        status: 'published',
        notes: 'Long-term support release. Last version to support Intel Macs.',
        platforms: DESKTOP,
      },
    ],
  },
  {
    slug: 'adobe-photoshop',
    name: 'Adobe Photoshop',
    publisher: 'Adobe',
    category: 'Design',
    summary: 'Professional raster image editor for photo editing, compositing and digital painting.',
    description:
      'Photoshop is Adobe’s image editor, delivered through Creative Cloud. It is available to the Design group only and licences are assigned per named user. When all seats are in use, requests wait until one is released.',
    homepageUrl: 'https://www.adobe.com/products/photoshop.html',
    licenceModel: 'per-seat',
    seatLimit: 10,
    seatExhausted: 'wait',
    policy: [{ kind: 'manager' }],
    visibleToGroups: ['Design'],
    releases: [
      {
        version: '26.5',
        publishedDaysAgo: 130,
        status: 'deprecated',
        notes: 'Adds improvements to generative fill and selection tools.',
        platforms: WIN_MAC,
      },
      {
        version: '26.7',
        publishedDaysAgo: 65,
        status: 'published',
        notes: 'Feature update with performance fixes.',
        platforms: WIN_MAC,
      },
      {
        version: '26.8.1',
        publishedDaysAgo: 15,
        status: 'published',
        notes: 'Bug-fix update addressing crashes when exporting layers.',
        platforms: WIN_MAC,
      },
    ],
  },

  // ---------------------------------------------------------------- Security
  {
    slug: '1password',
    name: '1Password',
    publisher: 'AgileBits',
    category: 'Security',
    summary: 'Password manager for storing credentials, passkeys and secrets in shared vaults.',
    description:
      '1Password stores passwords, passkeys, SSH keys and secure notes in encrypted vaults. Team vaults are provisioned through the company 1Password Business account. The desktop app works together with the browser extension.',
    homepageUrl: 'https://1password.com/',
    licenceModel: 'site',
    releases: [
      {
        version: '8.10.80',
        publishedDaysAgo: 75,
        status: 'deprecated',
        notes: 'Stability fixes for autofill and SSH agent.',
        platforms: ALL,
      },
      {
        version: '8.11.4',
        publishedDaysAgo: 19,
        status: 'published',
        notes: 'Improved passkey handling and bug fixes.',
        platforms: ALL,
      },
    ],
  },
  {
    slug: 'keepassxc',
    name: 'KeePassXC',
    publisher: 'KeePassXC Team',
    category: 'Security',
    summary: 'Open-source, offline password manager using the KeePass database format.',
    description:
      'KeePassXC stores credentials in a local encrypted KDBX file. It suits offline use and service accounts that cannot go into a cloud vault. Protect the database with a strong master password and a key file.',
    homepageUrl: 'https://keepassxc.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '2.7.9',
        publishedDaysAgo: 360,
        status: 'deprecated',
        notes: 'Bug fixes for browser integration and auto-type.',
        platforms: WIN_MAC_LINUX_X64,
      },
      {
        version: '2.7.10',
        publishedDaysAgo: 140,
        status: 'published',
        notes: 'Fixes several crashes and improves passkey support.',
        platforms: WIN_MAC_LINUX_X64,
      },
    ],
  },
  {
    slug: 'wireshark',
    name: 'Wireshark',
    publisher: 'Wireshark Foundation',
    category: 'Security',
    summary: 'Network protocol analyser for capturing and inspecting packets.',
    description:
      'Wireshark captures network traffic and decodes hundreds of protocols. Packet capture can expose sensitive data, so installs require manager and Security Team approval. The Windows package includes Npcap.',
    homepageUrl: 'https://www.wireshark.org/',
    licenceModel: 'open-source',
    policy: [{ kind: 'manager' }, { kind: 'group', group: 'Security Team' }],
    releases: [
      {
        version: '4.2.12',
        publishedDaysAgo: 150,
        status: 'deprecated',
        notes: 'Final maintenance release of the 4.2 branch.',
        platforms: DESKTOP,
      },
      {
        version: '4.4.7',
        publishedDaysAgo: 70,
        status: 'published',
        notes: 'Fixes dissector crashes reported in security advisories.',
        platforms: DESKTOP,
      },
      {
        version: '4.4.8',
        publishedDaysAgo: 26,
        status: 'published',
        notes: 'Maintenance release with updated protocol support.',
        platforms: DESKTOP,
      },
    ],
  },
  {
    slug: 'crowdstrike-falcon-sensor',
    name: 'CrowdStrike Falcon Sensor',
    publisher: 'CrowdStrike',
    category: 'Security',
    summary: 'Endpoint detection and response agent reporting to the CrowdStrike Falcon platform.',
    description:
      'The Falcon sensor monitors processes, network activity and files on the endpoint and sends telemetry to the Falcon console. It is normally deployed automatically; this entry covers manual reinstalls and servers. Installs need Security Team approval, two IT Operations approvers and a change record.',
    homepageUrl: 'https://www.crowdstrike.com/platform/endpoint-security/',
    licenceModel: 'site',
    policy: [
      { kind: 'group', group: 'Security Team' },
      { kind: 'group', group: 'IT Operations', requiredApprovals: 2 },
    ],
    requireChangeRef: true,
    visibleToGroups: ['Security Team', 'IT Operations'],
    releases: [
      {
        version: '7.23.19508',
        publishedDaysAgo: 120,
        status: 'deprecated',
        notes: 'N-2 sensor version; scheduled for removal.',
        changeRef: 'CHG0030411',
        platforms: ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64'],
      },
      {
        version: '7.24.19607',
        publishedDaysAgo: 75,
        status: 'published',
        notes: 'N-1 sensor version. Detection and performance improvements.',
        changeRef: 'CHG0030958',
        platforms: ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64'],
      },
      {
        version: '7.26.19811',
        publishedDaysAgo: 21,
        status: 'published',
        notes: 'Current sensor version after pilot ring validation.',
        changeRef: 'CHG0031287',
        platforms: ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64'],
      },
    ],
  },
  {
    slug: 'contoso-vpn-client',
    name: 'Contoso VPN Client',
    publisher: 'Contoso IT',
    category: 'Security',
    summary: 'Upcoming internal VPN client with device posture checks and single sign-on.',
    description:
      'The new VPN client will replace the current remote access software. It checks device compliance before connecting and signs in with the company identity provider. It is being tested with the Pilot Ring before general release.',
    homepageUrl: 'https://intranet.contoso.com/it/vpn',
    licenceModel: 'site',
    policy: [{ kind: 'group', group: 'IT Operations' }],
    visibleToGroups: ['Pilot Ring', 'IT Operations'],
    releases: [
      {
        version: '2.0.0-beta.1',
        publishedDaysAgo: 0,
        status: 'draft',
        notes: 'First beta for pilot testing.',
        platforms: ['windows-x64', 'windows-arm64', 'macos-arm64'],
      },
      {
        version: '2.0.0-beta.2',
        publishedDaysAgo: 0,
        status: 'draft',
        notes: 'Fixes reconnect after sleep and adds split-tunnel configuration.',
        platforms: ['windows-x64', 'windows-arm64', 'macos-arm64'],
      },
    ],
  },

  // ---------------------------------------------------------------- Utilities
  {
    slug: '7-zip',
    name: '7-Zip',
    publisher: 'Igor Pavlov',
    category: 'Utilities',
    summary: 'File archiver with a high compression ratio, supporting 7z, ZIP, TAR, RAR extraction and more.',
    description:
      '7-Zip creates and extracts archives in many formats and integrates with the Windows Explorer context menu. Its native 7z format uses LZMA2 compression.',
    homepageUrl: 'https://www.7-zip.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '24.08',
        publishedDaysAgo: 330,
        status: 'withdrawn',
        notes: 'Bug fixes and minor improvements.',
        withdrawReason:
          'CVE-2025-0411: Mark-of-the-Web is not propagated to files extracted from nested archives. Upgrade to 24.09 or later.',
        platforms: WINDOWS,
      },
      {
        version: '24.09',
        publishedDaysAgo: 300,
        status: 'deprecated',
        notes: 'Fixes Mark-of-the-Web propagation for nested archives.',
        platforms: WINDOWS,
      },
      {
        version: '25.01',
        publishedDaysAgo: 20,
        status: 'published',
        notes: 'Fixes handling of symbolic links when extracting archives.',
        platforms: WINDOWS,
      },
    ],
  },
  {
    slug: 'notepad-plus-plus',
    name: 'Notepad++',
    publisher: 'Don Ho',
    category: 'Utilities',
    summary: 'Lightweight tabbed text and source code editor for Windows.',
    description:
      'Notepad++ is a text editor with syntax highlighting, macro recording and plugin support. It is a fast replacement for Notepad when working with logs and config files.',
    homepageUrl: 'https://notepad-plus-plus.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '8.8.1',
        publishedDaysAgo: 95,
        status: 'withdrawn',
        notes: 'Bug fixes and updated language definitions.',
        withdrawReason: 'CVE-2025-49144: the installer can load binaries from its working directory, allowing local privilege escalation.',
        platforms: WINDOWS,
      },
      {
        version: '8.8.2',
        publishedDaysAgo: 70,
        status: 'deprecated',
        notes: 'Security fix for the installer.',
        platforms: WINDOWS,
      },
      {
        version: '8.8.3',
        publishedDaysAgo: 45,
        status: 'published',
        notes: 'Bug fixes and performance improvements for large files.',
        platforms: WINDOWS,
      },
    ],
  },
  {
    slug: 'vlc-media-player',
    name: 'VLC media player',
    publisher: 'VideoLAN',
    category: 'Utilities',
    summary: 'Open-source media player that plays most audio and video formats without extra codecs.',
    description: 'VLC plays local files, discs and network streams in almost any format. It can also convert files and record streams.',
    homepageUrl: 'https://www.videolan.org/vlc/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '3.0.20',
        publishedDaysAgo: 420,
        status: 'deprecated',
        notes: 'Fixes a security issue in the MMS stream handler.',
        platforms: WIN_MAC_LINUX_X64,
      },
      {
        version: '3.0.21',
        publishedDaysAgo: 260,
        status: 'published',
        notes: 'Improved hardware decoding and several security fixes.',
        platforms: WIN_MAC_LINUX_X64,
      },
    ],
  },
  {
    slug: 'powertoys',
    name: 'Microsoft PowerToys',
    publisher: 'Microsoft',
    category: 'Utilities',
    summary: 'Set of Windows utilities such as FancyZones, PowerToys Run and a colour picker.',
    description:
      'PowerToys adds productivity utilities to Windows, including window layouts, bulk file renaming, keyboard remapping and text extraction from screen. Individual utilities can be turned off in its settings.',
    homepageUrl: 'https://learn.microsoft.com/windows/powertoys/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '0.91.1',
        publishedDaysAgo: 80,
        status: 'deprecated',
        notes: 'Bug fixes for Command Palette and FancyZones.',
        platforms: WINDOWS,
      },
      {
        version: '0.92.1',
        publishedDaysAgo: 38,
        status: 'published',
        notes: 'Adds new shortcut conflict detection and fixes for Peek.',
        platforms: WINDOWS,
      },
      {
        version: '0.93.0',
        publishedDaysAgo: 7,
        status: 'published',
        notes: 'Redesigned settings dashboard and Command Palette improvements.',
        platforms: WINDOWS,
      },
    ],
  },

  // ---------------------------------------------------------------- Communication
  {
    slug: 'zoom-workplace',
    name: 'Zoom Workplace',
    publisher: 'Zoom Communications',
    category: 'Communication',
    summary: 'Video meetings, webinars and team chat client for the company Zoom account.',
    description:
      'Zoom Workplace is the desktop client for Zoom meetings, chat and phone. Sign in with company single sign-on. The package disables automatic updates so that IT can stage new versions.',
    homepageUrl: 'https://www.zoom.com/',
    licenceModel: 'site',
    releases: [
      {
        version: '6.4.13',
        publishedDaysAgo: 90,
        status: 'deprecated',
        notes: 'Security fixes and meeting stability improvements.',
        platforms: DESKTOP,
      },
      {
        version: '6.5.7',
        publishedDaysAgo: 23,
        status: 'published',
        notes: 'Improved screen sharing and bug fixes.',
        platforms: DESKTOP,
      },
    ],
  },
  {
    slug: 'slack',
    name: 'Slack',
    publisher: 'Salesforce',
    category: 'Communication',
    summary: 'Team messaging app with channels, huddles and integrations.',
    description:
      'Slack organises conversations into channels and direct messages, with voice huddles and app integrations. Sign in to the company workspace with single sign-on.',
    homepageUrl: 'https://slack.com/',
    licenceModel: 'site',
    releases: [
      {
        version: '4.44.65',
        publishedDaysAgo: 60,
        status: 'published',
        notes: 'Bug fixes and performance improvements.',
        platforms: WIN_MAC_LINUX_X64,
      },
      {
        version: '4.45.64',
        publishedDaysAgo: 17,
        status: 'published',
        notes: 'Fixes notification issues on Windows and updates Electron.',
        platforms: WIN_MAC_LINUX_X64,
      },
    ],
  },
  {
    slug: 'microsoft-teams',
    name: 'Microsoft Teams',
    publisher: 'Microsoft',
    category: 'Communication',
    summary: 'Chat, meetings and calling client for Microsoft 365.',
    description:
      'Teams provides chat, meetings, calling and file collaboration within Microsoft 365. This package installs the new Teams client for work accounts. It is normally pre-installed; use this entry to repair or reinstall it.',
    homepageUrl: 'https://www.microsoft.com/microsoft-teams/',
    licenceModel: 'site',
    releases: [
      {
        version: '25122.1415.3698.6812',
        publishedDaysAgo: 85,
        status: 'deprecated',
        notes: 'Monthly update with meeting reliability fixes.',
        platforms: WIN_MAC,
      },
      {
        version: '25153.1010.3727.5483',
        publishedDaysAgo: 40,
        status: 'published',
        notes: 'Monthly update with performance improvements.',
        platforms: WIN_MAC,
      },
      {
        version: '25182.1106.3775.9020',
        publishedDaysAgo: 13,
        status: 'published',
        notes: 'Monthly update with chat and calendar fixes.',
        platforms: WIN_MAC,
      },
    ],
  },
  {
    slug: 'signal-desktop',
    name: 'Signal Desktop',
    publisher: 'Signal Technology Foundation',
    category: 'Communication',
    summary: 'End-to-end encrypted messaging app, linked to Signal on your phone.',
    description:
      'Signal Desktop is linked to the Signal app on a phone and syncs messages end-to-end encrypted. It is approved for contact with external partners who require it. Company data retention rules still apply.',
    homepageUrl: 'https://signal.org/',
    licenceModel: 'open-source',
    releases: [
      {
        version: '7.59.0',
        publishedDaysAgo: 55,
        status: 'deprecated',
        notes: 'Bug fixes and interface improvements.',
        platforms: WIN_MAC_LINUX_X64,
      },
      {
        version: '7.64.0',
        publishedDaysAgo: 12,
        status: 'published',
        notes: 'Improved message backup and bug fixes.',
        platforms: WIN_MAC_LINUX_X64,
      },
    ],
  },
];
