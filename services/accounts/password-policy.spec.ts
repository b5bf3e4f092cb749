import { passwordProblem } from "./password-policy";

describe("passwordProblem", () => {
  test.each([
    ["short1!", /at least 10/],
    ["12345678", /at least 10/],
    ["          ", /one repeated/],
    ["1234567890", /commonly used/],
    ["Password123!", /commonly used/],
    ["iloveyou!!!", /commonly used/],
    ["aaaaaaaaaab", /one repeated/],
  ])("%j is refused (%s)", (password, reason) => {
    expect(passwordProblem(password)).toMatch(reason);
  });

  test.each([["correct horse battery"], ["J8#kq2!vLm"], ["우리집강아지이름은뽀삐"]])(
    "%j is accepted",
    (password) => {
      expect(passwordProblem(password)).toBeNull();
    },
  );
});
