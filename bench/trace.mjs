// Reading Chromium traces (Tracing domain, via playwright's browser.startTracing) for
// the widget benchmark.
//
// Why traces and not CDP Performance.getMetrics ScriptDuration: ScriptDuration does
// not count JavaScript run from a microtask checkpoint outside another script (code
// after `await fetch(...)`, Promise reactions, queueMicrotask). The widget's work
// after a response, and Yew's re-render after an input event, run exactly there
// (wasm-bindgen-futures and Yew's scheduler are microtask-driven), so ScriptDuration
// reads ~0 for them. Traces have RunMicrotasks events that cover it.

/// Categories with task, script, microtask, rendering and user-timing events.
export const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "v8.execute",
  "blink.user_timing",
];

const RENDERING = new Set(["UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "Commit"]);

/// Parses a trace buffer; returns the renderer main thread's events (ts/dur in µs).
export function mainThreadEvents(buffer) {
  const { traceEvents } = JSON.parse(buffer.toString("utf8"));
  // The page's renderer: the CrRendererMain thread that ran our user-timing marks.
  const mains = traceEvents.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const withMarks = mains.find((m) =>
    traceEvents.some((e) => e.pid === m.pid && e.tid === m.tid && e.cat?.includes("blink.user_timing")),
  );
  const main = withMarks ?? mains[0];
  if (!main) throw new Error("no renderer main thread in the trace");
  return traceEvents.filter((e) => e.pid === main.pid && e.tid === main.tid);
}

/// Timestamps (µs) of the user-timing mark `name`, in order.
export function marks(events, name) {
  return events.filter((e) => e.name === name && e.cat?.includes("blink.user_timing")).map((e) => e.ts).sort((a, b) => a - b);
}

/// Script run by this harness (page.evaluate, init scripts) has no script URL; the
/// page's own scripts (ykien.js and its wasm exports) have one.
const isHarnessScript = (e) =>
  (e.name === "FunctionCall" || e.name === "EvaluateScript") && (e.args?.data?.url ?? "") === "";

/// Intervals [start, end) in µs of the page's JavaScript on the main thread:
/// FunctionCall/EvaluateScript of page scripts, and RunMicrotasks in tasks where no
/// harness script ran (a microtask checkpoint has no URL to tell whose work it is).
export function pageScriptIntervals(events) {
  const taskOf = containingTask(events);
  const harnessTasks = new Set(events.filter(isHarnessScript).map(taskOf).filter(Boolean));
  const out = [];
  for (const e of events) {
    if (e.ph !== "X" || e.dur === undefined) continue;
    const pageCall = (e.name === "FunctionCall" || e.name === "EvaluateScript") && !isHarnessScript(e);
    const pageMicrotasks = e.name === "RunMicrotasks" && !harnessTasks.has(taskOf(e));
    if (pageCall || pageMicrotasks) out.push([e.ts, e.ts + e.dur]);
  }
  return out;
}

/// Intervals of style, layout, paint and commit work on the main thread.
export function renderingIntervals(events) {
  return events.filter((e) => RENDERING.has(e.name) && e.ph === "X").map((e) => [e.ts, e.ts + e.dur]);
}

/// Total length (µs) of the union of `intervals`, clipped to [from, to).
export function covered(intervals, from = -Infinity, to = Infinity) {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/// A function finding the top-level RunTask an event happened in (binary search over
/// the main thread's tasks, which do not overlap).
function containingTask(events) {
  const tasks = events.filter((e) => e.name === "RunTask" && e.ph === "X").sort((a, b) => a.ts - b.ts);
  return (e) => {
    let lo = 0;
    let hi = tasks.length - 1;
    let found = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (tasks[mid].ts <= e.ts) {
        found = tasks[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found && e.ts < found.ts + found.dur ? found : null;
  };
}
