/** Action state key (main → post) holding the process groups of the engine servers started. */
export const PGID_STATE = 'server-pgids';
