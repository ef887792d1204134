// Being written: the geocoding part of the API contract.
export {};
