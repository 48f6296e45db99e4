import { platformValues, type Platform } from '@/db/schema';

/** What people call each platform; the ids (windows-x64 …) are for machines and APIs. */
export const platformLabels: Record<Platform, string> = {
  'windows-x64': 'Windows x64',
  'windows-arm64': 'Windows Arm64',
  'macos-arm64': 'macOS Apple silicon',
  'macos-x64': 'macOS Intel',
  'linux-x64': 'Linux x64',
  'linux-arm64': 'Linux Arm64',
};

/** For messages people read: "Windows x64, Windows Arm64, … or Linux Arm64". */
export const platformChoices = `${platformValues
  .slice(0, -1)
  .map((p) => platformLabels[p])
  .join(', ')} or ${platformLabels[platformValues.at(-1)!]}`;
