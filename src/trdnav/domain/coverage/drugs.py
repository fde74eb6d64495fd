"""Drug names -> pharmacological class and role (antidepressant or augmentation), from data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from trdnav.domain.coverage.schema import DrugFile


@dataclass(frozen=True)
class Drug:
    """A known drug: its generic name, class id and name, and its role in a trial count."""

    name: str
    class_id: str
    class_name: str
    role: str  # "antidepressant" | "augmentation"

    @property
    def class_short(self) -> str:
        """The class without its explanation: "SSRI", "Tricyclic or tetracyclic antidepressant"."""
        return self.class_name.split(" (")[0]


class Drugs:
    """Looks a trial's drug name up in the drug file (generic names and brand aliases)."""

    def __init__(self, data: DrugFile) -> None:
        self._by_name: dict[str, Drug] = {}
        for generic, entry in data.drugs.items():
            cls = data.classes[entry.drug_class]
            drug = Drug(generic, entry.drug_class, cls.name, cls.role)
            for name in (generic, *entry.aliases):
                self._by_name[name] = drug

    def lookup(self, name: str) -> Drug | None:
        """The drug a free-text name means ("Zoloft 100 mg" is sertraline), or None."""
        text = " ".join(name.lower().replace("/", "-").split())
        if text in self._by_name:
            return self._by_name[text]
        # Doses and release forms follow the name: try the leading words, longest first.
        words = re.split(r"[\s,(]+", text)
        for end in range(len(words) - 1, 0, -1):
            found = self._by_name.get(" ".join(words[:end]))
            if found is not None:
                return found
        return None
