// Being written: the admin part of the API contract.
export {};
