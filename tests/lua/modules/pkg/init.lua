return {name = 'pkg'}
