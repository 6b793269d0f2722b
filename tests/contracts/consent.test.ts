/** The activation gate (contracts/consent.ts) and the producer's refusal to make a trait change event without it. */
import { activationConsent } from "../../contracts";
import { changeEvent } from "../../functions/src/core/change-events";

test("no marketing channel, or no statement, withholds; otherwise every channel with the instant in UTC", () => {
  expect(activationConsent(undefined, "2026-01-01T00:00:00Z")).toBeUndefined();
  expect(
    activationConsent({ email: false, sms: false, push: false }, "2026-01-01T00:00:00Z"),
  ).toBeUndefined();
  expect(activationConsent({ email: null, sms: false }, null)).toBeUndefined();
  expect(activationConsent({ push: true }, "2026-01-01T01:00:00+01:00")).toEqual({
    email: false,
    sms: false,
    push: true,
    updatedAt: "2026-01-01T00:00:00.000Z",
  });
  expect(activationConsent({ email: true, sms: true }, undefined)).toEqual({
    email: true,
    sms: true,
    push: false,
    updatedAt: null,
  });
});

test("a trait change event is only made with its consent; an erasure needs none", () => {
  const spec = {
    customerId: "C1",
    oldValue: "New",
    newValue: "Regular",
    asOf: "2026-01-01T00:00:00Z",
    occurredAt: "2026-01-01T00:00:00Z",
    causeId: "L1",
  };
  expect(() => changeEvent({ ...spec, kind: "valueTier", cause: "batch_traits_sync" })).toThrow(
    "a valueTier change is published only with its consent",
  );
  const consent = activationConsent({ email: true, sms: false }, "2026-01-01T00:00:00Z")!;
  expect(
    changeEvent({ ...spec, kind: "valueTier", cause: "batch_traits_sync", consent }).payload.consent,
  ).toEqual(consent);
  const erased = changeEvent({ ...spec, kind: "erased", oldValue: null, newValue: null, cause: "erasure" });
  expect(erased.payload.consent).toBeUndefined();
  expect(erased.schemaVersion).toBe("1.1");
});
