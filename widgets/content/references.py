"""The course bibliography: read ``assets/references.yaml`` and check each entry
against the primary-source rules.

``assets/references.yaml`` is the one home of every reference. A lesson's
"## References" cell lists keys in order; its text is rendered from the YAML
(``make refs`` rewrites it, :mod:`widgets.authoring.references`), so the two never drift.

Rules (see ``assets/sources.yaml`` for the hosts):
- authors (or the issuing body), year, title and journal/publisher;
- a DOI or PMID, or else an official URL with ``revised:`` or ``accessed:``;
- no URL on a secondary host (Q&A sites, blogs, news, mirrors).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from widgets.paths import ASSETS, REFERENCES

from .yamlfile import Fields, Problem, Reader

SOURCES = ASSETS / "sources.yaml"

FIELDS = ("authors", "year", "title", "journal", "doi", "pmid", "url", "revised", "accessed",
          "checked_in", "evidence", "evidence_detail", "note")
EVIDENCE = {
    "RCT": "human trial with a comparison group",
    "MA": "review of many studies",
    "Obs": "observational study comparing groups (not randomised)",
    "OL": "human study with no comparison group",
    "Pre-clin": "animal or lab study",
    "Label": "official drug label",
    "Industry": "company-funded or company-written",
    "Expert": "expert opinion",
    "Other": "official web page or registry",
}
VAGUE_AUTHORS = re.compile(
    r"not (?:yet )?(?:recorded|captured|shown|known|confirmed|found|seen)|unconfirmed|as recalled|as reported|"
    r"as quoted|as described|unknown|\bn\.?d\.?\b",
    re.I,
)
PERSON = re.compile(r"\b[A-Z][A-Za-z'-]+ [A-Z]{1,3}\b")  # "Gaynes BN"


def _unnamed(authors: str) -> bool:
    """Authors that name nobody: "not recorded", or a team with no person in it."""
    return bool(VAGUE_AUTHORS.search(authors)) or (
        re.search(r"\b(?:team|group|researchers)\b", authors, re.I) is not None and not PERSON.search(authors))
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^\d{1,9}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Reference:
    key: str
    line: int
    authors: str
    year: str
    title: str
    journal: str
    doi: str = ""
    pmid: str = ""
    url: str = ""
    revised: str = ""
    accessed: str = ""
    evidence: str = ""
    evidence_detail: str = ""
    note: str = ""
    checked_in: str = ""  # where the wording was confirmed, when the cited revision itself could not be read

    def markdown(self) -> str:
        """The entry as one line of a lesson's numbered reference list."""
        when = self.year or "undated"
        parts = [f"{self.authors} ({when}). {_end(self.title)} *{_end(self.journal).rstrip('.')}*."]
        ids = []
        if self.doi:
            ids.append(f"doi:[{self.doi}](https://doi.org/{self.doi})")
        if self.pmid:
            ids.append(f"PMID [{self.pmid}](https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/)")
        if ids:
            parts.append("; ".join(ids) + ".")
        if self.url and not (self.doi or self.pmid):
            parts.append(f"<{self.url}>.")
        if self.revised:
            parts.append(f"Revised {long_date(self.revised)}.")
        elif self.accessed:
            parts.append(f"Accessed {long_date(self.accessed)}.")
        if self.checked_in:
            parts.append(f"Figures checked in {_end(self.checked_in)}")
        if self.evidence in EVIDENCE:
            label = EVIDENCE[self.evidence]
            if self.evidence_detail:
                label += f"; {self.evidence_detail}"
            parts.append(f"Evidence: {label}.")
        return " ".join(parts)


@dataclass(frozen=True)
class Hosts:
    official: dict[str, str]
    secondary: dict[str, str]

    def match(self, host: str, table: dict[str, str]) -> str | None:
        host = host.lower().split(":")[0]
        for name in table:
            if host == name or host.endswith("." + name):
                return name
        return None


def _end(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def long_date(iso: str) -> str:
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d:%B %Y}"


def load_hosts(path: Path = SOURCES) -> tuple[Hosts, list[Problem]]:
    """The official and secondary host lists; problems if the file is malformed."""
    reader = Reader(path)
    root = reader.compose()
    tables: dict[str, dict[str, str]] = {"official": {}, "secondary": {}}
    if root is None:
        return Hosts({}, {}), reader.problems
    if not isinstance(root, yaml.MappingNode):
        reader.problem(root, 'the file must have two blocks, "official:" and "secondary:"')
        return Hosts({}, {}), reader.problems
    f = reader.fields(root, tuple(tables), "", kind="block")
    for name, table in tables.items():
        node = f.get(name)
        if node is None:
            reader.problem(root, f'missing the "{name}:" block of host: reason lines')
            continue
        if not isinstance(node, yaml.MappingNode):
            reader.problem(node, f'"{name}" must be a block of host: reason lines')
            continue
        for k, v in node.value:
            host = str(k.value).strip().lower()
            reason = reader.text_value(v, f'host "{host}"', name, "say what the host is, or why it is refused")
            if "/" in host or not host:
                reader.problem(k, f'"{host}" must be a bare host name like fda.gov', name)
            elif reason:
                table[host] = reason
    both = set(tables["official"]) & set(tables["secondary"])
    for host in sorted(both):
        reader.problem(1, f'"{host}" is listed as both official and secondary')
    return Hosts(tables["official"], tables["secondary"]), reader.problems


def load_references(path: Path = REFERENCES, hosts: Hosts | None = None) -> tuple[dict[str, Reference], list[Problem]]:
    """Every entry (usable or not) and every problem, with line numbers."""
    host_problems: list[Problem] = []
    if hosts is None:
        hosts, host_problems = load_hosts()
    reader = Reader(path)
    root = reader.compose()
    entries: dict[str, Reference] = {}
    if root is None:
        return entries, host_problems + reader.problems
    if not isinstance(root, yaml.MappingNode):
        reader.problem(root, "the references file must be a mapping of key: details")
        return entries, host_problems + reader.problems
    seen: dict[str, int] = {}
    for knode, vnode in root.value:
        key = str(knode.value)
        if key in seen:
            reader.problem(knode, f'reference "{key}" is given twice (first on line {seen[key]})')
            continue
        seen[key] = knode.start_mark.line + 1
        mapping = reader.mapping(vnode, f'reference "{key}"', "a reference")
        if mapping is None:
            continue
        ref = _entry(reader, key, mapping, hosts)
        if ref is not None:
            entries[key] = ref
    reader.problems.sort(key=lambda p: p.line)
    return entries, host_problems + reader.problems


def _entry(reader: Reader, key: str, node: yaml.MappingNode, hosts: Hosts) -> Reference | None:
    where = f'reference "{key}"'
    f: Fields = reader.fields(node, FIELDS, where)

    def value(name: str) -> str:
        v = f.get(name)
        if v is None or not isinstance(v, yaml.ScalarNode) or v.tag.endswith(":null"):
            return ""
        return str(v.value).strip()

    def line_of(name: str) -> yaml.Node:
        return f.keys.get(name, node)

    authors, year, title, journal = value("authors"), value("year"), value("title"), value("journal")
    doi, pmid, url = value("doi"), value("pmid"), value("url")
    revised, accessed, evidence = value("revised"), value("accessed"), value("evidence")
    if not authors:
        reader.problem(node, "missing authors — name the authors, or the body that issued it", where)
    elif _unnamed(authors):
        reader.problem(line_of("authors"), f'authors "{authors}" are not named — find them in the primary source', where)
    if year.lower() in ("", "n.d.", "nd", "none"):
        if not accessed:
            reader.problem(node, "missing year — give the year it was published (for an undated official page, accessed: YYYY-MM-DD)", where)
        year = ""
    elif not re.fullmatch(r"(19|20)\d\d", year):
        reader.problem(line_of("year"), f'year "{year}" must be a 4-digit year like 2019', where)
    if not title:
        reader.problem(node, "missing title — give the title of the source", where)
    if not journal:
        reader.problem(node, "missing journal — give the journal, or the publisher of the page", where)
    if doi and not DOI.match(doi):
        reader.problem(line_of("doi"), f'doi "{doi}" does not look like a DOI (10.xxxx/...)', where)
    if pmid and not PMID.match(pmid):
        reader.problem(line_of("pmid"), f'pmid "{pmid}" must be digits only', where)
    for name in ("revised", "accessed"):
        v = value(name)
        if v and not ISO_DATE.match(v):
            reader.problem(line_of(name), f'{name} "{v}" must be a date like 2026-03-13', where)
    host = urlsplit(url).hostname or "" if url else ""
    if url and not url.startswith(("https://", "http://")):
        reader.problem(line_of("url"), f'url "{url}" must start with https://', where)
    bad = hosts.match(host, hosts.secondary) if host else None
    if bad:
        reader.problem(line_of("url"), f"{host} is a secondary site ({hosts.secondary[bad]}) — cite the primary source", where)
    if not (doi or pmid):
        if not url:
            reader.problem(node, "needs a DOI or PMID, or (for a label, guideline, registry or official page) an official url", where)
        elif not bad and not hosts.match(host, hosts.official):
            reader.problem(line_of("url"), f"has no DOI or PMID, and {host} is not an official host in assets/sources.yaml — "
                           "give the DOI or PMID, or the regulator's, registry's or maker's own page", where)
        elif not bad and not (revised or accessed):
            reader.problem(node, "an official page needs the date it shows (revised: YYYY-MM-DD) or, if none, accessed: YYYY-MM-DD", where)
    if evidence and evidence not in EVIDENCE:
        reader.problem(line_of("evidence"), f'evidence "{evidence}" must be one of {", ".join(EVIDENCE)}', where)
    return Reference(key, node.start_mark.line + 1, authors, year, title, journal, doi, pmid, url,
                     revised, accessed, evidence, value("evidence_detail"), value("note"), value("checked_in"))


def validate_references(path: Path = REFERENCES, sources: Path = SOURCES) -> list[Problem]:
    """Every problem with the bibliography and the host lists; never raises."""
    try:
        hosts, problems = load_hosts(sources)
        return problems + load_references(path, hosts)[1]
    except Exception as exc:  # a bug here must not hide the file's problems
        return [Problem(str(path), 1, f"could not check this file ({exc!r})")]
