/** CLI exit statuses: a failed gate (3) is told apart from an error (1). */
export const EXIT = Object.freeze({ pass: 0, error: 1, gateFailed: 3 });
