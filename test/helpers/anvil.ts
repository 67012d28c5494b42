// The anvil helper lives in scripts/lib (the channel benchmark starts one too); tests import it from here.
export * from "../../scripts/lib/anvil";
