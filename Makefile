# Portrait de territoire : deux commandes, `make run` et `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLE := $(VENV)/.installe

.PHONY: run test bench data lint clean

# Crée l'environnement virtuel et installe les dépendances épinglées (refait si requirements.txt change).
$(INSTALLE): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLE)

## Lance l'application sur les données de démonstration embarquées (http://localhost:8501), pour ce seul poste ;
## `make run ADRESSE=0.0.0.0` l'ouvre au réseau.
ADRESSE ?= 127.0.0.1
run: $(INSTALLE)
	$(BIN)/python -m portrait.surfaces.serveur --server.address $(ADRESSE)

## Vérifie le style (ruff) puis lance toute la suite de tests.
test: $(INSTALLE)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## Mesure les temps et la mémoire ; écrit bench/RESULTS.md.
bench: $(INSTALLE)
	$(BIN)/python -m bench

## Reconstruit la géographie de référence (../shared/reference + npm) puis la démonstration.
data: $(INSTALLE)
	$(BIN)/python -m portrait build-reference
	$(BIN)/python -m portrait demo

lint: $(INSTALLE)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
