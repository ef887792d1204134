// Being written: the units part of the API contract.
export {};
