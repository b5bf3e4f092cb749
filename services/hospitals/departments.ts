/** The departments a hospital or doctor can list (Korean names, as patients search them). */
export const DEPARTMENTS = [
  "소아청소년과",
  "내과",
  "이비인후과",
  "정형외과",
  "피부과",
  "가정의학과",
  "안과",
  "치과",
  "산부인과",
  "응급의학과",
] as const;
