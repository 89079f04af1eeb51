/**
 * The patched tslab kernel (patches/tslab+1.0.22.patch) as Jupyter talks to it, over its real
 * ZeroMQ sockets: it answers `kernel_info` with `status: "ok"` before its warm-up (the warm-up
 * type-checks the kit, seconds of CPU, behind the reply), answers `history_request`, drops comm
 * messages without complaint, and replies to `comm_info_request` with the right type.
 *
 * "Before the warm-up" is measured in the kernel's own CPU time, not the wall clock, so a busy
 * machine does not change the verdict: unpatched, the kernel bound its sockets only after the
 * warm-up, so its first reply came after nearly all the CPU it spends until its first cell.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { cpuSeconds, type KernelUnderTest, startTslabKernel } from "../helpers/tslab-kernel";

describe("the patched tslab kernel over ZeroMQ", {
  skip: process.platform !== "linux" && "reads /proc",
}, () => {
  let k: KernelUnderTest;
  before(async () => {
    k = await startTslabKernel();
  });
  after(() => k?.stop());

  it("answers kernel_info with status ok at once, and warms up behind it", {
    timeout: 300_000,
  }, async (t) => {
    const info = await k.request("kernel_info_request");
    const cpuAtInfo = cpuSeconds(k.process.pid!);

    // A first cell that imports the kit: by its end the kit is type-checked, by the warm-up or by
    // the cell itself (it cancels a warm-up not yet begun), so the CPU spent is the same either way.
    const code = 'import { versions } from "../dist";\nversions().length';
    const done = await k.request("execute_request", { code, silent: false, store_history: true });
    assert.equal(done.content.status, "ok");
    const cpuAtFirstCell = cpuSeconds(k.process.pid!);
    t.diagnostic(
      `kernel CPU: ${cpuAtInfo.toFixed(2)} s at kernel_info, ${cpuAtFirstCell.toFixed(2)} s after the first kit cell`,
    );
    assert.ok(
      cpuAtInfo < cpuAtFirstCell / 3,
      `kernel_info came after ${cpuAtInfo} s of the kernel's CPU, of ${cpuAtFirstCell} s until its first kit cell was done: it waited for the warm-up`,
    );
    assert.equal(info.header.msg_type, "kernel_info_reply");
    assert.equal(info.content.status, "ok");
    assert.ok(Number(info.content.protocol_version) >= 5.3, `protocol ${info.content.protocol_version}`);
    assert.equal((info.content.language_info as { name: string }).name, "typescript");
  });

  it("answers history_request (empty) and comm_info_request, and drops comm messages quietly", {
    timeout: 60_000,
  }, async () => {
    const history = await k.request("history_request", {
      output: false,
      raw: true,
      hist_access_type: "tail",
      n: 10,
    });
    assert.equal(history.header.msg_type, "history_reply");
    assert.deepEqual(history.content, { status: "ok", history: [] });

    await k.send("comm_open", { comm_id: randomUUID(), target_name: "jupyter.widget", data: {} });
    await k.send("comm_msg", { comm_id: randomUUID(), data: {} });
    await k.send("comm_close", { comm_id: randomUUID(), data: {} });
    const comms = await k.request("comm_info_request", { target_name: "jupyter.widget" });
    assert.equal(comms.header.msg_type, "comm_info_reply");
    assert.deepEqual(comms.content, { status: "ok", comms: {} });
    assert.doesNotMatch(k.stderr(), /unknown msg_type/, k.stderr());
  });
});
