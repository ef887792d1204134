// Being written: the reports part of the API contract.
export {};
