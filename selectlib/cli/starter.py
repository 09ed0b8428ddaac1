"""``selectlib profiles new NAME``: a commented template profile and a matching sample input.

A ministry analyst starts a new program from a profile that already loads, validates
with ``--strict`` and runs ``selectlib check`` on its sample, then edits it section by
section, guided by the comments, instead of writing one from the reference. Light to
import (text only), so ``--help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Final

import typer

from selectlib.cli.options import DEFAULT_LANG, Lang, LangOpt
from selectlib.errors import InputError, OutputError

__all__ = ["profiles_new", "starter_files", "write_starter"]

NAME_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""A new profile's id: lower-case letters, digits and ``_``, starting with a letter, at
most 64 characters (it becomes the file name and the profile's ``id``)."""

TEMPLATE: Final = """\
# {name}: a new support program, started with `selectlib profiles new`.
# Every section below is an example to replace with your program's rules. After each
# change, check the file:
#   selectlib profiles validate --strict {name}.yaml
#   selectlib check {name}.yaml {name}.csv
# The reference of every key: docs/profile-format.md.

# -- who the program is ------------------------------------------------------------------
id: {name}                      # the profile's id (letters, digits, _): also the file name
version: "{year}.1"             # your own version label; change it with the rules
name:
  ko: 새 지원사업 (예시)
  en: A new support program (example)
description:
  ko: 서울 소재 중소기업에 사업비의 50%를 최대 1,000만원까지 지원하는 예시 사업입니다.
  en: An example program that pays Seoul SMEs 50 % of a project's cost, at most 10,000,000 won.
valid_from: {year}-01-01         # the first day these rules apply; valid_to: the last, or null
valid_to: null

# -- where the rules come from --------------------------------------------------------------
# Each source is a document (a notice, 공고문; a plan; a law). Criteria and parameters cite
# it by id, followed by the clause: source: "notice ③ 지원대상".
sources:
  - id: notice
    title:
      ko: 지원사업 공고문 (예시)
      en: The call for applications (example)

identifier: applicant_id          # the field that names an applicant in every output

# -- what an applicant gives ----------------------------------------------------------------
# One entry per column of the input file. kind: boolean (yes/no, 예/아니오, O/X), integer,
# number, text, category (one of the choices), date ...; required: false for
# columns that may be empty without making the decision incomplete.
fields:
  applicant_id:
    kind: text
    required: false
    description: {{ko: 신청기업 식별자, en: Applicant identifier}}
  is_sme:
    kind: boolean
    description: {{ko: 중소기업 여부, en: Is a small or medium-sized enterprise (SME)}}
  region:
    kind: category
    description: {{ko: 소재지 (시·도), en: Region (시·도)}}
    choices:                      # code: labels; inputs may use the code, a label or an alias
      seoul: {{ko: 서울특별시, en: Seoul, aliases: [서울, 서울시]}}
      gyeonggi: {{ko: 경기도, en: Gyeonggi, aliases: [경기]}}
      busan: {{ko: 부산광역시, en: Busan, aliases: [부산, 부산시]}}
  employees:
    kind: integer
    minimum: 0
    description: {{ko: 상시근로자 수, en: Regular employees}}
  project_cost:
    kind: integer
    unit: won
    minimum: 0
    description: {{ko: 사업비 (원), en: Project cost (won)}}
  received_no:
    kind: integer
    required: false
    minimum: 1
    description: {{ko: 접수번호 (예산 배정 순서), en: Receipt number (budget order)}}

# -- the numbers of the rules ---------------------------------------------------------------
# Every number lives here, never inside a condition, so a reform can change it
# (`selectlib compare --set max_employees=30`). Each says where it comes from (source:)
# or what was assumed where the sources are silent (assumption:); `validate --strict`
# refuses a number with neither.
parameters:
  regions:
    description: {{ko: 지원 대상 지역, en: Regions the program supports}}
    source: "notice ② 지원대상 (서울 소재)"
    value: [seoul]
  max_employees:
    description: {{ko: 상시근로자 수 상한, en: Most regular employees allowed}}
    source: "notice ② 지원대상 (상시근로자 50인 미만)"
    value: 49
  support_rate:
    description: {{ko: 지원율, en: Share of the project cost supported}}
    source: "notice ③ 지원내용 (사업비의 50%)"
    value: "50%"
  support_cap:
    description: {{ko: 기업당 지원 한도, en: Support cap per firm}}
    unit: won
    source: "notice ③ 지원내용 (최대 1,000만원)"
    value: 10000000
  budget:
    description: {{ko: 연간 예산, en: Yearly budget}}
    unit: won
    assumption:
      ko: 예시 값입니다. 공고문의 예산으로 바꾸고 source로 출처를 적으세요.
      en: An example figure. Replace it with the notice's budget and cite it with source.
    history:
      {year}-01-01: 50000000       # a dated value: a new entry per year keeps the old ones

# -- who is eligible ------------------------------------------------------------------------
# All criteria must pass. A condition reads fields and parameters in a small language
# (and, or, not, comparisons, in, arithmetic); a missing value makes the decision
# incomplete, never a guess. Each message says why, in Korean and English.
criteria:
  - id: sme
    label: {{ko: 중소기업, en: SME}}
    source: "notice ② 지원대상"
    condition: is_sme
    messages:
      passed: {{ko: 중소기업입니다., en: The applicant is an SME.}}
      failed: {{ko: 중소기업만 지원합니다., en: Only SMEs are supported.}}
      missing: {{ko: 중소기업 여부가 없습니다., en: Whether the applicant is an SME is missing.}}
  - id: region
    label: {{ko: 소재지, en: Region}}
    source: "notice ② 지원대상 (서울 소재)"
    condition: region in regions
    messages:
      passed: {{ko: 지원 대상 지역에 있습니다., en: The firm is in a supported region.}}
      failed: {{ko: 지원 대상 지역이 아닙니다., en: The firm is outside the supported regions.}}
      missing: {{ko: 소재지가 없습니다., en: The region is missing.}}
  - id: size
    label: {{ko: 기업 규모, en: Firm size}}
    source: "notice ② 지원대상 (상시근로자 50인 미만)"
    condition: employees <= max_employees
    messages:
      passed: {{ko: 상시근로자 수가 기준 이하입니다., en: The firm is small enough.}}
      failed: {{ko: 상시근로자 수가 기준을 넘습니다., en: The firm has too many employees.}}
      missing: {{ko: 상시근로자 수가 없습니다., en: The number of employees is missing.}}
  - id: project
    label: {{ko: 사업비, en: Project cost}}
    source: "notice ③ 지원내용"
    condition: project_cost > 0
    messages:
      passed: {{ko: 지원할 사업비가 있습니다., en: There is a project cost to support.}}
      failed: {{ko: 사업비가 없습니다., en: There is no project cost.}}
      missing: {{ko: 사업비가 없습니다., en: The project cost is missing.}}

# -- what an eligible applicant receives (delete this section for eligibility only) ---------
benefits:
  rounding:                       # how amounts become whole won
    unit: 1
    mode: floor
    assumption:
      ko: 원 미만은 절사한다고 가정합니다 (예시). 공고문에 규정이 있으면 바꾸세요.
      en: Amounts are assumed cut down to the whole won (example); follow the notice if it says.
  amounts:
    project_support:
      label: {{ko: 사업비 지원금, en: Project support}}
      source: "notice ③ 지원내용"
      formula: rate               # rate x base, at most cap
      base: project_cost
      rate: support_rate
      cap: support_cap
  budget: budget
  allocation:
    method: arrival               # or rank (by a rank field), or pro_rata
    arrival: received_no
    partial: true
    unit: 1
    # Where the order of payment comes from: cite the clause (source: "…"), or say what
    # was assumed, as here.
    assumption:
      ko: 공고에 배정 순서가 없어 접수 순서대로 예산이 다할 때까지 지원한다고 가정합니다.
      en: The notice gives no order of payment; first come, first served is assumed.
"""
"""The template profile; ``{name}`` and ``{year}`` are filled in."""

SAMPLE: Final = """\
applicant_id,is_sme,region,employees,project_cost,received_no,note
N01,yes,서울,12,30000000,3,eligible: capped at 10000000
N02,예,seoul,49,8000000,1,eligible: exactly at the employee limit
N03,yes,서울특별시,8,15000000,2,eligible
N04,no,서울,20,12000000,4,ineligible: not an SME
N05,yes,경기,5,9000000,5,ineligible: outside the supported regions
N06,yes,서울,50,20000000,6,ineligible: one employee above the limit
N07,yes,서울,,11000000,7,incomplete: employees missing
"""
"""The sample input that goes with the template: every outcome, one reason each."""
WORDS: Final = {
    Lang.EN: ("wrote {path}", "next: ", "      "),
    Lang.KO: ("{path} 작성", "다음: ", "      "),
}
"""What the command says, by language: a file written, then the next two commands."""


def starter_files(name: str, year: int) -> dict[str, str]:
    """The starter's files for a profile called ``name`` (file name → text)."""
    if not NAME_PATTERN.fullmatch(name):
        raise InputError(
            "a profile name is lower-case letters, digits and _, starting with a letter "
            "(at most 64 characters), e.g. seoul_export_voucher",
            field="NAME",
            value=name,
        )
    return {f"{name}.yaml": TEMPLATE.format(name=name, year=year), f"{name}.csv": SAMPLE}


def write_starter(name: str, out: Path, year: int | None = None) -> list[Path]:
    """Write ``name``'s template profile and sample input to the folder ``out``.

    Refuses, before writing anything, if either file exists: a starter never replaces
    a profile someone has begun to edit.
    """
    files = starter_files(name, year or dt.date.today().year)
    targets = {out / file: text for file, text in files.items()}
    for target in targets:
        if target.exists():
            raise OutputError(
                "exists and was kept: profiles new never replaces a file; choose another "
                "NAME or another --out folder",
                file=str(target),
            )
    out.mkdir(parents=True, exist_ok=True)
    for target, text in targets.items():
        target.write_text(text, encoding="utf-8")
    return list(targets)


def profiles_new(
    name: Annotated[str, typer.Argument(help="The new profile's id, e.g. seoul_export_voucher.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write NAME.yaml and NAME.csv to.")
    ] = Path("."),
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Start a new program: a commented template profile and a sample input to edit."""
    wrote, first, then = WORDS[lang]
    for path in write_starter(name, out):
        typer.echo(wrote.format(path=path))
    profile, sample = (out / f"{name}.yaml", out / f"{name}.csv")
    typer.echo(f"{first}selectlib profiles validate --strict {profile}")
    typer.echo(f"{then}selectlib check {profile} {sample}")
