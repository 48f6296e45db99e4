/** Reported with every check-in and install event, so the service desk can tell agent builds apart. */
export const AGENT_VERSION = '0.2.0';
