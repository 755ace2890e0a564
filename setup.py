"""Generates the gRPC stubs from proto/ whenever the package is built."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).parent))


class BuildWithStubs(build_py):
    def run(self):
        from service import protogen

        protogen.generate()
        super().run()


setup(cmdclass={"build_py": BuildWithStubs})
