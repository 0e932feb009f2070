/** Where a query takes the evaluation window, e.g. `rate(x[$window])`. */
export const WINDOW_PLACEHOLDER = '$window';
