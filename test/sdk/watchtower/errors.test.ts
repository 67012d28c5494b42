// The watchtower's error codes (docs/payment-channels.md §8.7): each is a stable PeerPayErrorCode with one HTTP status,
// and the client rebuilds a WatchtowerError from the server's answer, code and details kept.
import { expect } from "chai";
import { PeerPayErrorCode, WATCHTOWER_HTTP_STATUS, WatchtowerClient, WatchtowerError } from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";

const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const TOWER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";

/** A client whose fetch answers `status` with `body`, whatever is asked. */
function clientAnswering(status: number, body: string) {
  return new WatchtowerClient({
    chainId: 31_337n,
    contract: CONTRACT,
    url: "http://tower.invalid/",
    watchtower: TOWER,
    privateKey: "0x" + "11".repeat(32),
    fetch: async () => new Response(body, { status }),
  });
}

describe("Watchtower errors", function () {
  it("gives every WATCHTOWER_ code of PeerPayErrorCode exactly one HTTP status, 4xx or 5xx", function () {
    const codes = Object.values(PeerPayErrorCode).filter((code) => code.startsWith("WATCHTOWER_"));
    expect(Object.keys(WATCHTOWER_HTTP_STATUS).sort()).to.deep.equal(codes.sort());
    for (const status of Object.values(WATCHTOWER_HTTP_STATUS)) expect(status).to.be.within(400, 599);
  });

  it("rebuilds the server's error as a WatchtowerError with its code, details and the HTTP status", async function () {
    const body = JSON.stringify({
      error: { code: "WATCHTOWER_RATE_LIMITED", message: "slow down", details: { retryAfter: 2 } },
    });
    const error = await expectSdkError(clientAnswering(429, body).info(), WatchtowerError, "WATCHTOWER_RATE_LIMITED", {
      retryAfter: 2,
      status: 429,
    });
    expect([error.message, error.status]).to.deep.equal(["slow down", 429]);
  });

  it("maps an answer that is not a watchtower error (a proxy's 502 page, an unknown code) to WATCHTOWER_UNAVAILABLE", async function () {
    await expectSdkError(
      clientAnswering(502, "<html>Bad gateway</html>").info(),
      WatchtowerError,
      "WATCHTOWER_UNAVAILABLE",
      {
        status: 502,
      },
    );
    const unknown = JSON.stringify({ error: { code: "SOMETHING_ELSE", message: "?" } });
    await expectSdkError(clientAnswering(500, unknown).info(), WatchtowerError, "WATCHTOWER_UNAVAILABLE", {
      status: 500,
    });
  });
});
