// Being written: the calls part of the API contract.
export {};
