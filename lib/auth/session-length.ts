/** How long a signed-in session lasts: the cookie's lifetime and its database row's. */
export const SESSION_SECONDS = 12 * 60 * 60;
