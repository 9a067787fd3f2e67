// reach.js judges whether phones can open a link: a QR code that points at
// this computer (127.0.0.1, localhost) or at a private network address
// cannot be opened by a participant's phone on mobile data.

const privateV4 = [/^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

// reach returns { level: "ok" | "lan" | "local", message }.
export function reach(link) {
  let host, port;
  try {
    const u = new URL(link);
    host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    // The port the server listens on: the restart it advises keeps it.
    port = u.port || (u.protocol === "https:" ? "443" : "80");
  } catch {
    return { level: "local", message: "链接地址无效,手机无法打开。请检查对外访问地址(PUBLIC_BASE_URL)的设置。" };
  }
  if (host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "::1" || host === "0.0.0.0" || host === "::") {
    return {
      level: "local",
      message: "二维码指向本机地址(" + host + "),参会人员的手机打不开。请先让启动本系统的同事换成手机能访问的地址再打印海报:"
        + "会场手机与本机连同一 Wi-Fi 时,用 --addr 0.0.0.0:" + port + " --public-base-url http://本机局域网地址:" + port + " 重新启动(详见使用说明“让手机扫码能打开”)。",
    };
  }
  if (privateV4.some((r) => r.test(host)) || host.endsWith(".local") || host.endsWith(".lan") || /^f[cd]/.test(host) || host.startsWith("fe80")) {
    return { level: "lan", message: "二维码指向内网地址,只有连接同一局域网(如会场 Wi-Fi)的手机能打开;用移动数据的手机打不开,请在海报上注明先连会场 Wi-Fi。" };
  }
  if (!host.includes(".") && !host.includes(":")) {
    return { level: "lan", message: "二维码指向的主机名只在本单位网络内有效,手机用移动数据可能无法打开。" };
  }
  return { level: "ok", message: "" };
}
